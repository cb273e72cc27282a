using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using Kimi.Client.Serialization;

namespace Kimi.Client.Tests.Serialization;

/// <summary>
/// Short text deltas repeated within one stream are handed back as the string made the first time (DeltaStringCache): the
/// text must stay exactly what was sent, whatever the delta (escaped, non-ASCII, empty, long, one byte away from a cached
/// one), and repeats must share one string once the stream is long enough for the table.
/// </summary>
public class DeltaStringCacheTests
{
    // Tokens that collide or nearly match: same length, one byte apart, escapes on the wire (a backslash and a quote, whose
    // escaped bytes read as the text of the one-character quote), non-ASCII, and one too long to look up.
    private static readonly string[] Vocabulary =
    [
        " the", " tha", " thé", "the ", ",", "\n", "\n\n", "\"", " \"quote\"", "é", "ü", "✓", "", " model", " models", " a",
        "\\", "\\\"", "\t", " 12345678", "1234567", "12345678", " a much longer delta than any token", "Ω≈ç√", " the", " the",
    ];

    private static readonly ReasoningOrigin Origin = new("moonshot", "kimi-k2.6");

    [Fact(Timeout = 60_000)]
    public async Task Every_delta_reads_back_exactly_as_sent_in_any_order()
    {
        var property = Prop.ForAll(Gen.Choose(0, int.MaxValue).ToArbitrary(), seed =>
        {
            var random = new Random(seed);
            var parser = new ChunkParser(null, Origin);
            var count = 1 + random.Next(300);
            for (var i = 0; i < count; i++)
            {
                var delta = Vocabulary[random.Next(Vocabulary.Length)];
                var field = random.Next(3) switch { 0 => "content", 1 => "reasoning_content", _ => "reasoning" };
                var update = Parse(parser, field, delta);
                var read = field == "content" ? update?.ContentDelta : update?.ReasoningDelta;
                var expected = field == "content" && delta.Length == 0 ? null : delta; // "content":"" is no text (38b)
                if (read != expected)
                {
                    return false;
                }
            }

            return true;
        });

        await Task.Run(() => Check.One(Config.QuickThrowOnFailure.WithMaxTest(500), property), TestContext.Current.CancellationToken);
    }

    [Fact(Timeout = 60_000)]
    public async Task With_every_lookup_colliding_each_value_still_reads_back_exactly()
    {
        // One or two slots: every delta lands on an entry another delta left there, so only the byte-for-char comparison and
        // the escaped/long/non-ASCII rules stand between a lookup and a wrong string.
        var property = Prop.ForAll(Gen.Choose(0, int.MaxValue).ToArbitrary(), seed =>
        {
            var random = new Random(seed);
            var cache = new DeltaStringCache(slots: 1 << random.Next(2), deltasBeforeTable: 0);
            for (var i = 0; i < 200; i++)
            {
                var delta = Vocabulary[random.Next(Vocabulary.Length)];
                var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(Json(delta)));
                reader.Read();
                if (cache.GetString(ref reader) != delta)
                {
                    return false;
                }
            }

            return true;
        });

        await Task.Run(() => Check.One(Config.QuickThrowOnFailure.WithMaxTest(500), property), TestContext.Current.CancellationToken);
    }

    [Fact]
    public void A_short_repeated_delta_shares_one_string_once_the_stream_is_long_enough()
    {
        var parser = new ChunkParser(null, Origin);
        var early = Enumerable.Range(0, 40).Select(_ => Parse(parser, "content", " the")!.ContentDelta!).ToList();

        // The first deltas are read as usual (a short answer does not pay for the table); later repeats share one string.
        Assert.False(ReferenceEquals(early[0], early[1]));
        Assert.Same(early[^2], early[^1]);
        Assert.All(early, d => Assert.Equal(" the", d));
    }

    [Fact]
    public void Escaped_long_and_non_ascii_deltas_are_never_taken_from_the_table()
    {
        var parser = new ChunkParser(null, Origin);
        for (var i = 0; i < 40; i++)
        {
            Parse(parser, "content", "x");
        }

        foreach (var delta in new[] { "\n", "é", " 123456789", "ab\"c" })
        {
            var first = Parse(parser, "content", delta)!.ContentDelta;
            var second = Parse(parser, "content", delta)!.ContentDelta;
            Assert.Equal(delta, first);
            Assert.Equal(delta, second);
            Assert.False(ReferenceEquals(first, second), $"'{delta}' was looked up although it is escaped, too long or not ASCII.");
        }
    }

    [Fact(Timeout = 30_000)]
    public async Task A_long_stream_of_repeated_tokens_over_http_keeps_every_delta_and_the_whole_text()
    {
        var random = new Random(7);
        var deltas = Enumerable.Range(0, 400).Select(_ => Vocabulary[random.Next(Vocabulary.Length)]).Where(d => d.Length > 0).ToList();
        var lines = deltas.Select(d => $$"""data: {"id":"s","object":"chat.completion.chunk","created":1,"model":"kimi-k2.6","choices":[{"index":0,"delta":{"content":{{Json(d)}}},"finish_reason":null}]}""")
            .Append("""data: {"id":"s","object":"chat.completion.chunk","created":1,"model":"kimi-k2.6","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}""")
            .Append("data: [DONE]")
            .ToArray();

        var result = await Kimi.Client.Tests.Streaming.StreamReplay.ReplayAsync(Kimi.Client.Tests.Streaming.StreamReplay.Lines(lines), TestContext.Current.CancellationToken);

        Assert.Equal(deltas, result.Updates.Where(u => u.ContentDelta is not null).Select(u => u.ContentDelta));
        Assert.Equal(string.Concat(deltas), result.Completion.Text);
    }

    // Non-ASCII as raw UTF-8 (as hosts send it), quotes and control characters escaped.
    private static string Json(string value) => JsonSerializer.Serialize(value, new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

    private static ChatCompletionUpdate? Parse(ChunkParser parser, string field, string delta)
    {
        var json = $$"""{"id":"s","object":"chat.completion.chunk","created":1,"model":"kimi-k2.6","choices":[{"index":0,"delta":{"{{field}}":{{Json(delta)}}},"finish_reason":null}]}""";
        return parser.ParseEvent(Encoding.UTF8.GetBytes(json)).Update;
    }
}

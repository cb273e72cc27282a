using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using Kimi.Client.Tests.Infrastructure;

namespace Kimi.Client.Tests.Streaming;

/// <summary>
/// Property tests of the inline-reasoning splitter through the whole client (in-memory handler): any chunking of a
/// content string yields the same final split (text, reasoning, recovered tool calls, warnings) as the unsplit string,
/// streamed or not. Contents are built from tag pieces, spaces and text, so tags land on every boundary.
/// </summary>
public class InlineReasoningPropertyTests
{
    private const int Cases = 2_500;

    // Tags whole and in pieces, the tool grammar, spaces next to them, plain text: the splitter's whole alphabet.
    private static readonly string[] Pieces =
    [
        "a", "bc", " ", "  ", "é", "\n", "<", "/", ">", "th", "ink", "</th", "ink>", "<thi", "nk>",
        "<think>", " <think> ", "</think>", " </think> ", "<|tool_c", "alls_section_begin|>",
        "<|tool_calls_section_begin|>", "<|tool_calls_section_end|>", "<|tool_call_begin|>", " functions.get_weather:0 ",
        "<|tool_call_argument_begin|>", "{\"city\":\"Paris\"}", "<|tool_call_end|>",
    ];

    private static readonly Arbitrary<int> Seeds = Gen.Choose(0, int.MaxValue).ToArbitrary();

    [Fact(Timeout = 120_000)]
    public async Task Any_chunking_of_a_content_string_gives_the_same_split_as_the_whole_string()
    {
        var property = Prop.ForAll(Seeds, seed =>
        {
            var random = new Random(seed);
            var content = Content(random);
            var host = KimiProvider.Vllm with { InlineReasoning = true, RecoverToolCallsFromText = random.Next(2) == 0 };
            var finish = random.Next(4) == 0 ? "length" : "stop";
            var whole = Describe(Complete(host, content, finish));
            var single = Describe(Stream(host, [content], finish));
            var chunked = Describe(Stream(host, Chunk(content, random), finish));
            return (whole == single && whole == chunked)
                .Label($"content {JsonValue.Create(content).ToJsonString()}\nwhole   {whole}\nsingle  {single}\nchunked {chunked}");
        });

        await Task.Run(() => Check.One(Config.QuickThrowOnFailure.WithMaxTest(Cases), property), TestContext.Current.CancellationToken);
    }

    [Fact(Timeout = 60_000)]
    public async Task The_split_loses_nothing_but_the_removed_tags_and_one_space_on_each_side()
    {
        // content = opening + reasoning + closing + text, where opening and closing are the only things removed.
        string[] openings = ["", "<think>", " <think>", "<think> ", " <think> "];
        string[] closings = ["", "</think>", " </think>", "</think> ", " </think> "];
        var property = Prop.ForAll(Seeds, seed =>
        {
            var random = new Random(seed);
            var content = Content(random);
            var completion = Complete(KimiProvider.Vllm with { InlineReasoning = true }, content, "stop");
            var reasoning = completion.Reasoning ?? string.Empty;
            var text = completion.Text;
            var accounted = openings.Any(opening => closings.Any(closing => content == opening + reasoning + closing + text));
            var closingIsATag = completion.Reasoning is null || content.Length > reasoning.Length + text.Length || text.StartsWith("<|tool_calls_section_begin|>", StringComparison.Ordinal);
            return (accounted && closingIsATag)
                .Label($"content {JsonValue.Create(content).ToJsonString()} reasoning {JsonValue.Create(reasoning).ToJsonString()} text {JsonValue.Create(text).ToJsonString()}");
        });

        await Task.Run(() => Check.One(Config.QuickThrowOnFailure.WithMaxTest(Cases), property), TestContext.Current.CancellationToken);
    }

    private static string Content(Random random)
    {
        var builder = new StringBuilder();
        for (var n = random.Next(14); n > 0; n--)
        {
            builder.Append(Pieces[random.Next(Pieces.Length)]);
        }

        return builder.ToString();
    }

    private static List<string> Chunk(string content, Random random)
    {
        var chunks = new List<string>();
        var at = 0;
        while (at < content.Length)
        {
            var length = Math.Min(content.Length - at, random.Next(random.Next(2) == 0 ? 4 : 12));
            chunks.Add(content.Substring(at, length)); // empty chunks too: "content":"" deltas happen
            at += length;
        }

        return chunks;
    }

    private static string Describe(ChatCompletion completion)
    {
        var calls = string.Join(";", completion.ToolCalls.Select(c => $"{c.Id}|{c.Name}|{c.Arguments}"));
        var warnings = string.Join(";", completion.Warnings.Select(w => $"{w.Code}/{w.FinishReason}"));
        return $"text={JsonValue.Create(completion.Text).ToJsonString()} reasoning={(completion.Reasoning is null ? "null" : JsonValue.Create(completion.Reasoning).ToJsonString())} " +
               $"calls=[{calls}] recovered={completion.ToolCallsRecoveredFromText} warnings=[{warnings}] finish={completion.FinishReason}";
    }

    private static ChatCompletion Complete(KimiProvider host, string content, string finish)
    {
        var body = $$$"""{"id":"w","object":"chat.completion","created":1,"model":"moonshotai/Kimi-K2.6","choices":[{"index":0,"message":{"role":"assistant","content":{{{JsonValue.Create(content).ToJsonString()}}}},"finish_reason":"{{{finish}}}"}]}""";
        return Run(host, body, "application/json", static async client => await client.CompleteAsync("Hi"));
    }

    private static ChatCompletion Stream(KimiProvider host, IReadOnlyList<string> chunks, string finish) =>
        Run(host, InlineReasoningTests.Stream(chunks, finish), "text/event-stream", static async client =>
        {
            var stream = client.StreamAsync("Hi");
            await foreach (var _ in stream)
            {
            }

            return stream.Completion!;
        });

    private static ChatCompletion Run(KimiProvider host, string body, string mediaType, Func<KimiClient, Task<ChatCompletion>> call)
    {
        using var http = new HttpClient(new CannedHandler(Encoding.UTF8.GetBytes(body), mediaType));
        using var client = new KimiClient(http, TestClients.Options(host, "http://in-memory"));
        return call(client).WaitAsync(TimeSpan.FromSeconds(10)).GetAwaiter().GetResult();
    }

    private sealed class CannedHandler(byte[] body, string mediaType) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var content = new ByteArrayContent(body);
            content.Headers.ContentType = new(mediaType);
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = content });
        }
    }
}

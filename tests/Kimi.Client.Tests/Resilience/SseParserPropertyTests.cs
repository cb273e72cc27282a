using System.Net;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Kimi.Client.Tests.Infrastructure;

namespace Kimi.Client.Tests.Resilience;

/// <summary>
/// Property tests on the in-memory parser (client → in-memory handler → a stream returning random-sized reads): any split
/// of a valid SSE byte stream gives the identical result; random corruption gives a result or one of our typed exceptions,
/// never another exception type and never a hang. 12,000 cases in all.
/// </summary>
public class SseParserPropertyTests
{
    private const int Cases = 6_000;

    private static readonly string[] Streams =
    [
        Sse.Frame("""
            data: {"id":"a","object":"chat.completion.chunk","created":1,"model":"kimi-k2.6","choices":[{"index":0,"delta":{"role":"assistant","reasoning_content":"Think"},"finish_reason":null}]}
            data: {"id":"a","choices":[{"index":0,"delta":{"reasoning":"ing. ünïcødé ✓"},"finish_reason":null}]}
            data: {"id":"a","choices":[{"index":0,"delta":{"content":"Hello, "},"finish_reason":null}]}
            data: {"id":"a","choices":[{"index":0,"delta":{"content":"world"},"finish_reason":"stop","usage":{"prompt_tokens":12,"completion_tokens":5,"total_tokens":17}}]}
            data: {"id":"a","choices":[],"usage":{"prompt_tokens":12,"completion_tokens":5,"total_tokens":17,"cached_tokens":4}}
            data: [DONE]
            """),
        Sse.Frame("""
            data: {"id":"t","choices":[{"index":0,"delta":{"role":"assistant","tool_calls":[{"id":"call-weather","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\""}},{"id":"call-time","type":"function","function":{"name":"get_time","arguments":"{\"zone\":\""}}]},"finish_reason":null}]}
            data: {"id":"t","choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"function":{"arguments":"UTC\"}"}},{"index":0,"function":{"arguments":"Paris\"}"}}]},"finish_reason":null}]}
            data: {"id":"t","choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}
            data: [DONE]
            """),
        ": keep-alive\r\n\r\nevent: ping\r\ndata: {}\r\n\r\ndata: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"crlf\"},\"finish_reason\":null}]}\r\n\r\n" +
            "data:\r\n\r\ndata: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"length\"}],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":1}}\r\n\r\ndata: [DONE]\r\n\r\n",
    ];

    private static readonly Arbitrary<int> Seeds = Gen.Choose(0, int.MaxValue).ToArbitrary();

    [Fact(Timeout = 60_000)]
    public async Task Any_split_of_a_valid_stream_yields_the_identical_result()
    {
        var expected = Streams.Select(s => Describe(Parse(Encoding.UTF8.GetBytes(s), new Random(0), maxRead: int.MaxValue))).ToArray();
        var property = Prop.ForAll(Seeds, seed =>
        {
            var random = new Random(seed);
            var which = random.Next(Streams.Length);
            var actual = Describe(Parse(Encoding.UTF8.GetBytes(Streams[which]), random, maxRead: 1 + random.Next(64)));
            return actual == expected[which];
        });

        await Task.Run(() => Check.One(Config.QuickThrowOnFailure.WithMaxTest(Cases), property), TestContext.Current.CancellationToken);
        Assert.All(expected, e => Assert.StartsWith("text=", e));
    }

    [Fact(Timeout = 60_000)]
    public async Task Random_corruption_yields_a_result_or_a_typed_exception_and_never_hangs()
    {
        var property = Prop.ForAll(Seeds, seed =>
        {
            var random = new Random(seed);
            var bytes = Corrupt(Encoding.UTF8.GetBytes(Streams[random.Next(Streams.Length)]), random);
            var outcome = Describe(Parse(bytes, random, maxRead: 1 + random.Next(64)));
            return !outcome.StartsWith("threw ", StringComparison.Ordinal);
        });

        await Task.Run(() => Check.One(Config.QuickThrowOnFailure.WithMaxTest(Cases), property), TestContext.Current.CancellationToken);
    }

    private static byte[] Corrupt(byte[] bytes, Random random)
    {
        var list = new List<byte>(bytes);
        for (var edits = 1 + random.Next(4); edits > 0 && list.Count > 0; edits--)
        {
            var at = random.Next(list.Count);
            switch (random.Next(5))
            {
                case 0: list[at] = (byte)random.Next(256); break;
                case 1: list.RemoveRange(at, Math.Min(list.Count - at, 1 + random.Next(16))); break;
                case 2:
                    var from = random.Next(list.Count);
                    list.InsertRange(at, list.GetRange(from, Math.Min(8, list.Count - from)));
                    break;
                case 3: list.RemoveRange(at, list.Count - at); break; // truncated
                default: list.Insert(at, (byte)"\n\r:{}\"[]0"[random.Next(9)]); break;
            }
        }

        return [.. list];
    }

    /// <summary>Parses through the whole client and describes the outcome: the result, "typed …" for our exceptions, or "threw …".</summary>
    private static string Describe(Func<Task<ChatCompletion>> parse)
    {
        try
        {
            var completion = parse().WaitAsync(TimeSpan.FromSeconds(10)).GetAwaiter().GetResult();
            var calls = string.Join(";", completion.ToolCalls.Select(c => $"{c.Id}:{c.Name}:{c.Arguments}"));
            return $"text={completion.Text}|reasoning={completion.Reasoning}|calls={calls}|finish={completion.FinishReason}|usage={completion.Usage?.InputTokens}/{completion.Usage?.OutputTokens}/{completion.Usage?.CachedInputTokens}|incomplete={completion.IsIncomplete}";
        }
        catch (KimiException ex)
        {
            return "typed " + ex.GetType().Name;
        }
        catch (Exception ex)
        {
            return $"threw {ex}";
        }
    }

    private static Func<Task<ChatCompletion>> Parse(byte[] bytes, Random random, int maxRead) => async () =>
    {
        using var http = new HttpClient(new ChunkedHandler(bytes, new Random(random.Next()), maxRead));
        var options = TestClients.Options(KimiProvider.Moonshot, "http://in-memory");
        using var client = new KimiClient(http, options);
        var stream = client.StreamAsync("Hi");
        await foreach (var _ in stream)
        {
        }

        return stream.Completion!;
    };

    private sealed class ChunkedHandler(byte[] bytes, Random random, int maxRead) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var content = new StreamContent(new ChunkingStream(bytes, random, maxRead));
            content.Headers.ContentType = new("text/event-stream");
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = content });
        }
    }

    /// <summary>Returns its bytes in reads of random size (1 to <c>maxRead</c>).</summary>
    private sealed class ChunkingStream(byte[] bytes, Random random, int maxRead) : Stream
    {
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => bytes.Length;

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var n = Math.Min(Math.Min(buffer.Length, bytes.Length - _position), maxRead == int.MaxValue ? int.MaxValue : 1 + random.Next(maxRead));
            bytes.AsSpan(_position, n).CopyTo(buffer);
            _position += n;
            return n;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromResult(Read(buffer.Span));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => Task.FromResult(Read(buffer.AsSpan(offset, count)));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

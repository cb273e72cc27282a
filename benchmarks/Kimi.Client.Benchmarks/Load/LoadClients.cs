using System.ClientModel;
using System.ClientModel.Primitives;
using System.Text;
using Kimi.Client.Benchmarks.Clients;
using Kimi.Client.Benchmarks.Floor;
using Kimi.Client.Benchmarks.Infrastructure;
using OpenAI;
using OpenAI.Chat;

namespace Kimi.Client.Benchmarks.Load;

/// <summary>One client streaming from the loopback emulator over its own <see cref="HttpClient"/> (own connection pool).</summary>
internal abstract class LoadClient(string name) : IDisposable
{
    public string Name { get; } = name;

    protected HttpClient Http { get; } = new(new SocketsHttpHandler { PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    public abstract Task<RunResult> StreamAsync();

    public void Dispose() => Http.Dispose();

    public static LoadClient[] Create(Uri baseAddress) => [new FloorLoadClient(baseAddress), new KimiLoadClient(baseAddress), new OpenAILoadClient(baseAddress)];

    /// <summary>Every stream must deliver the whole reply, or a fast client is only a broken one.</summary>
    public void Verify(in RunResult result)
    {
        if (result.ContentLength != LoadStream.Content.Length || result.ReasoningLength != LoadStream.Reasoning.Length || result.TotalTokens != LoadStream.TotalTokens)
        {
            throw new InvalidOperationException(
                $"{Name}: content {result.ContentLength}/{LoadStream.Content.Length}, reasoning {result.ReasoningLength}/{LoadStream.Reasoning.Length}, tokens {result.TotalTokens}/{LoadStream.TotalTokens}.");
        }
    }
}

internal sealed class FloorLoadClient : LoadClient
{
    private static readonly FloorMessage[] Prompt = [new("system", BenchClient.SystemPrompt), new("user", BenchClient.UserPrompt)];
    private readonly FloorClient _client;

    public FloorLoadClient(Uri baseAddress)
        : base("Floor") =>
        _client = new FloorClient(Http, baseAddress, EmulatorServer.ApiKey, BenchClient.Model);

    public override async Task<RunResult> StreamAsync()
    {
        var result = await _client.StreamAsync(Prompt);
        return new RunResult(result.Content.Length, result.Reasoning?.Length ?? 0, result.TotalTokens);
    }
}

internal sealed class KimiLoadClient : LoadClient
{
    private readonly KimiClient _client;
    private readonly KimiMessage[] _prompt = [KimiMessage.System(BenchClient.SystemPrompt), KimiMessage.User(BenchClient.UserPrompt)];

    public KimiLoadClient(Uri baseAddress)
        : base("Kimi.Client") =>
        _client = new KimiClient(Http, new KimiClientOptions { Provider = KimiProvider.Moonshot, ApiKey = EmulatorServer.ApiKey, Endpoint = baseAddress });

    public override async Task<RunResult> StreamAsync()
    {
        var stream = _client.StreamAsync(_prompt);
        await foreach (var update in stream)
        {
        }

        var completion = stream.Completion!;
        return new RunResult(completion.Text.Length, completion.Reasoning?.Length ?? 0, completion.Usage?.TotalTokens ?? 0);
    }
}

internal sealed class OpenAILoadClient : LoadClient
{
    private readonly ChatClient _client;
    private readonly ChatMessage[] _prompt = [new SystemChatMessage(BenchClient.SystemPrompt), new UserChatMessage(BenchClient.UserPrompt)];

    public OpenAILoadClient(Uri baseAddress)
        : base("OpenAI 2.15") =>
        _client = new ChatClient(BenchClient.Model, new ApiKeyCredential(EmulatorServer.ApiKey), new OpenAIClientOptions
        {
            Endpoint = baseAddress,
            Transport = new HttpClientPipelineTransport(Http),
        });

    public override async Task<RunResult> StreamAsync()
    {
        var content = new StringBuilder();
        var reasoning = new StringBuilder();
        var totalTokens = 0;
        await foreach (var update in _client.CompleteChatStreamingAsync(_prompt))
        {
            var parts = update.ContentUpdate;
            for (var i = 0; i < parts.Count; i++)
            {
                content.Append(parts[i].Text);
            }

            if (update.Patch.TryGetValue("$.choices[0].delta.reasoning_content"u8, out string? delta) && delta is not null)
            {
                reasoning.Append(delta);
            }

            if (update.Usage is { } usage)
            {
                totalTokens = usage.TotalTokenCount;
            }
        }

        return new RunResult(content.ToString().Length, reasoning.ToString().Length, totalTokens);
    }
}

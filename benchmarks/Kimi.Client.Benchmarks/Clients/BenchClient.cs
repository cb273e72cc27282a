using Kimi.Client.Benchmarks.Infrastructure;
using Kimi.Client.Benchmarks.Workloads;

namespace Kimi.Client.Benchmarks.Clients;

/// <summary>
/// One client under test, over its own <see cref="HttpClient"/> and <see cref="CannedResponseHandler"/>. Each call does
/// what an application would: send the request, consume every update, and end with the final text, reasoning and
/// tool-call arguments as strings.
/// </summary>
public abstract class BenchClient : IDisposable
{
    public const string ApiKey = "bench-key";
    public const string Model = "kimi-k2.6";
    public const string SystemPrompt = "You are Kimi, a careful assistant. Answer briefly.";
    public const string UserPrompt = "Explain how a streaming JSON parser stays fast under load.";

    public static readonly Uri Endpoint = new("http://bench.local/v1");

    protected BenchClient(string name)
    {
        Name = name;
        Handler = new CannedResponseHandler();
        Http = new HttpClient(Handler) { Timeout = Timeout.InfiniteTimeSpan };
    }

    public string Name { get; }

    public CannedResponseHandler Handler { get; }

    protected HttpClient Http { get; }

    /// <summary>Whether this client can send an assistant turn's reasoning back (Moonshot requires it on tool-call turns).</summary>
    public virtual bool SendsReasoning => true;

    public void Serve(Workload workload) => Handler.Serve(workload);

    public Task<RunResult> RunAsync(Workload workload) => workload.Kind switch
    {
        WorkloadKind.NonStreaming => CompleteAsync(),
        WorkloadKind.TextStreaming or WorkloadKind.ToolStreaming or WorkloadKind.InlineReasoningStreaming => StreamAsync(),
        _ => CompleteHistoryAsync(),
    };

    /// <summary>A short conversation, answered in one JSON document.</summary>
    public abstract Task<RunResult> CompleteAsync();

    /// <summary>A short conversation, streamed (text or tool call).</summary>
    public abstract Task<RunResult> StreamAsync();

    /// <summary>The long agent history (converted to this client's types in the constructor), answered in one JSON document.</summary>
    public abstract Task<RunResult> CompleteHistoryAsync();

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            Http.Dispose();
        }
    }

    public override string ToString() => Name;
}

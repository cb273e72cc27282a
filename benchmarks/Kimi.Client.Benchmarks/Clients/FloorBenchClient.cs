using Kimi.Client.Benchmarks.Floor;
using Kimi.Client.Benchmarks.Infrastructure;
using Kimi.Client.Benchmarks.Workloads;

namespace Kimi.Client.Benchmarks.Clients;

/// <summary>The hand-written floor (<see cref="FloorClient"/>): the baseline of every workload.</summary>
public sealed class FloorBenchClient : BenchClient
{
    private readonly FloorClient _client;
    private readonly FloorMessage[] _prompt = [new("system", SystemPrompt), new("user", UserPrompt)];
    private readonly FloorMessage[] _history;

    public FloorBenchClient()
        : base("floor (HttpClient+SseParser+Utf8JsonReader)")
    {
        _client = new FloorClient(Http, Endpoint, ApiKey, Model);
        _history = ToMessages(WorkloadCatalog.LongHistory.History!);
    }

    public override async Task<RunResult> CompleteAsync() => ToResult(await _client.CompleteAsync(_prompt));

    public override async Task<RunResult> StreamAsync() => ToResult(await _client.StreamAsync(_prompt));

    public override async Task<RunResult> CompleteHistoryAsync() =>
        ToResult(await _client.CompleteAsync(_history)) with { RequestBytes = Handler.LastRequestBytes };

    private static RunResult ToResult(FloorResult result) =>
        new(result.Content.Length, result.Reasoning?.Length ?? 0, result.TotalTokens, result.ToolName, result.Arguments?.Length ?? 0);

    private static FloorMessage[] ToMessages(AgentHistory history)
    {
        var messages = new List<FloorMessage>(history.MessageCount) { new("system", history.System), new("user", history.Task) };
        foreach (var turn in history.Turns)
        {
            messages.Add(new FloorMessage("assistant", null, turn.Reasoning, [new FloorToolCall(turn.CallId, turn.ToolName, turn.Arguments)]));
            messages.Add(new FloorMessage("tool", turn.Result, ToolCallId: turn.CallId));
        }

        return [.. messages];
    }
}

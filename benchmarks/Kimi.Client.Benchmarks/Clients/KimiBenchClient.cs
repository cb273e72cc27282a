using Kimi.Client.Benchmarks.Infrastructure;
using Kimi.Client.Benchmarks.Workloads;

namespace Kimi.Client.Benchmarks.Clients;

/// <summary>Kimi.Client: <c>CompleteAsync</c>, and <c>StreamAsync</c> + <c>await foreach</c> + <c>stream.Completion</c>.</summary>
public sealed class KimiBenchClient : BenchClient
{
    private readonly KimiClient _client;
    private readonly KimiMessage[] _prompt = [KimiMessage.System(SystemPrompt), KimiMessage.User(UserPrompt)];
    private readonly KimiMessage[] _history;

    public KimiBenchClient()
        : this(KimiProvider.Moonshot, "Kimi.Client")
    {
    }

    /// <summary>Kimi.Client on another host profile (the inline-reasoning rows use vLLM with the splitter on and off).</summary>
    public KimiBenchClient(KimiProvider provider, string name)
        : base(name)
    {
        _client = new KimiClient(Http, new KimiClientOptions { Provider = provider, ApiKey = ApiKey, Endpoint = Endpoint, Model = Model });
        _history = ToMessages(WorkloadCatalog.LongHistory.History!);
    }

    public override async Task<RunResult> CompleteAsync() => ToResult(await _client.CompleteAsync(_prompt));

    public override async Task<RunResult> StreamAsync()
    {
        var stream = _client.StreamAsync(_prompt);
        var updates = 0;
        await foreach (var update in stream)
        {
            updates++;
        }

        if (updates == 0)
        {
            throw new InvalidOperationException("Kimi.Client produced no updates.");
        }

        return ToResult(stream.Completion!);
    }

    public override async Task<RunResult> CompleteHistoryAsync() =>
        ToResult(await _client.CompleteAsync(_history)) with { RequestBytes = Handler.LastRequestBytes };

    private static RunResult ToResult(ChatCompletion completion)
    {
        var call = completion.ToolCalls.Count > 0 ? completion.ToolCalls[0] : null;
        return new RunResult(
            completion.Text.Length,
            completion.Reasoning?.Length ?? 0,
            completion.Usage?.TotalTokens ?? 0,
            call?.Name,
            call?.Arguments.Length ?? 0);
    }

    private static KimiMessage[] ToMessages(AgentHistory history)
    {
        var origin = new ReasoningOrigin("moonshot", Model); // as if each turn came from this client earlier in the loop
        var messages = new List<KimiMessage>(history.MessageCount) { KimiMessage.System(history.System), KimiMessage.User(history.Task) };
        foreach (var turn in history.Turns)
        {
            var assistant = new KimiMessage(MessageRole.Assistant) { Reasoning = turn.Reasoning, ReasoningOrigin = origin };
            assistant.ToolCalls.Add(new ToolCall(turn.CallId, turn.ToolName, turn.Arguments));
            messages.Add(assistant);
            messages.Add(KimiMessage.Tool(turn.CallId, turn.Result));
        }

        return [.. messages];
    }
}

using System.Buffers;
using System.Collections.Concurrent;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Threading.Channels;

namespace Kimi.Client.Agents;

/// <summary>
/// One swarm run: the orchestrator's loop with the delegation tool, the shared budget, the sub-agents (at most
/// <see cref="KimiSwarmOptions.MaxConcurrentSubAgents"/> at once over every delegation), and one event stream for all of them.
/// </summary>
internal sealed class SwarmRun : IDisposable
{
    private static readonly JsonWriterOptions JsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly KimiSwarm _swarm;
    private readonly KimiSwarmOptions _options;
    private readonly string _runId;
    private readonly KimiSwarmBudget _budget;
    private readonly ChannelWriter<KimiAgentEvent> _writer;
    private readonly CancellationToken _consumerGone;
    private readonly SemaphoreSlim _gate;
    private readonly ConcurrentDictionary<string, KimiSwarmSubAgentResult> _completed = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];
    private readonly Dictionary<string, KimiSwarmSubAgentResult> _latest = new(StringComparer.Ordinal);

    public SwarmRun(KimiSwarm swarm, string runId, KimiSwarmBudget budget, ChannelWriter<KimiAgentEvent> writer, CancellationToken consumerGone)
    {
        _swarm = swarm;
        _options = swarm.Options;
        _runId = runId;
        _budget = budget;
        _writer = writer;
        _consumerGone = consumerGone;
        _gate = new SemaphoreSlim(_options.MaxConcurrentSubAgents);
    }

    public void Dispose() => _gate.Dispose();

    /// <summary>Runs (or, with <paramref name="opening"/> null, resumes) the orchestrator and reports every event; the last is <see cref="KimiSwarmRunCompleted"/>.</summary>
    public async Task ExecuteAsync(List<KimiMessage>? opening, CancellationToken callerToken)
    {
        using var wall = _options.MaxWallTime is { } limit ? new CancellationTokenSource(limit, _options.TimeProvider) : null;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(callerToken, _consumerGone, wall?.Token ?? CancellationToken.None);
        try
        {
            var orchestrator = _swarm.CreateOrchestrator(this);
            var context = new KimiAgentRunContext { AgentName = "orchestrator", Budget = _budget.Account(_runId) };
            var events = opening is null
                ? orchestrator.ResumeStreamingAsync(_runId, context, linked.Token)
                : orchestrator.RunStreamingAsync(_runId, opening, context, linked.Token);
            KimiAgentRunResult? result = null;
            await foreach (var item in events.ConfigureAwait(false))
            {
                if (item is KimiAgentRunCompleted completed)
                {
                    result = completed.Result;
                }

                await EmitAsync(item).ConfigureAwait(false);
            }

            await _budget.CloseAsync(_runId, CancellationToken.None).ConfigureAwait(false);
            var status = await _budget.GetStatusAsync(CancellationToken.None).ConfigureAwait(false);
            KimiSwarmSubAgentResult[] subAgents;
            lock (_latest)
            {
                subAgents = [.. _order.Select(id => _latest[id])];
            }

            var reason = wall?.IsCancellationRequested == true && !callerToken.IsCancellationRequested ? KimiAgentStopReason.WallTime : result!.StopReason;
            await EmitAsync(new KimiSwarmRunCompleted(new KimiSwarmRunResult(result!, subAgents, status, reason))).ConfigureAwait(false);
            _writer.TryComplete();
        }
        catch (Exception ex)
        {
            _writer.TryComplete(ex);
        }
    }

    /// <summary>The delegation tool's work: parse, reserve fair shares, run the sub-agents, and write their results for the model.</summary>
    public async Task<string> DelegateAsync(object? tasksArgument, CancellationToken cancellationToken)
    {
        var parent = KimiAgentToolContext.Current?.RunId ?? _runId;
        var (tasks, error) = SubTaskParser.Parse(tasksArgument, parent, _swarm.ToolNames, _options.DelegateToolName);
        if (tasks is null)
        {
            return error!;
        }

        // Sub-tasks finished earlier in this swarm keep their result; the others get a fair share of what is left.
        var fresh = tasks.Where(task => !_completed.ContainsKey(task.RunId)).ToList();
        if (fresh.Count > 0 && await _budget.ReserveAsync(parent, [.. fresh.Select(t => t.RunId)], [.. fresh.Select(t => t.MaxSteps)], cancellationToken).ConfigureAwait(false) is { } refusal)
        {
            return $"Error: cannot delegate {fresh.Count} sub-task(s): {refusal}";
        }

        var running = tasks.Select(task => _completed.TryGetValue(task.RunId, out var done) ? Task.FromResult(done) : RunSubAgentAsync(task, cancellationToken)).ToArray();
        var results = await Task.WhenAll(running).ConfigureAwait(false);
        var status = await _budget.GetStatusAsync(CancellationToken.None).ConfigureAwait(false);
        return Describe(results, status);
    }

    /// <summary>Runs one sub-agent to its end; never throws (a failure becomes its error text).</summary>
    private async Task<KimiSwarmSubAgentResult> RunSubAgentAsync(KimiSwarmSubTask task, CancellationToken cancellationToken)
    {
        lock (_latest)
        {
            if (!_latest.ContainsKey(task.RunId))
            {
                _order.Add(task.RunId);
            }
        }

        KimiSwarmSubAgentResult outcome;
        var entered = false;
        try
        {
            await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            entered = true;
            outcome = await RunAdmittedAsync(task, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            outcome = new KimiSwarmSubAgentResult(task, KimiAgentStopReason.Cancelled, string.Empty, 0, new TokenUsage(0, 0), null,
                "cancelled before it started: the swarm was stopped. Delegate it again to run it.");
        }
        finally
        {
            if (entered)
            {
                _gate.Release();
            }

            await _budget.CloseAsync(task.RunId, CancellationToken.None).ConfigureAwait(false);
        }

        if (outcome.Completed)
        {
            _completed[task.RunId] = outcome;
        }

        lock (_latest)
        {
            _latest[task.RunId] = outcome;
        }

        await EmitAsync(new KimiSwarmSubAgentCompleted(outcome)).ConfigureAwait(false);
        return outcome;
    }

    private async Task<KimiSwarmSubAgentResult> RunAdmittedAsync(KimiSwarmSubTask task, CancellationToken cancellationToken)
    {
        using var timeout = _options.SubAgentTimeout is { } limit ? new CancellationTokenSource(limit, _options.TimeProvider) : null;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout?.Token ?? CancellationToken.None);
        if (_options.SubAgentRunner is { } runner)
        {
            return await RunElsewhereAsync(runner, task, linked, timeout).ConfigureAwait(false);
        }

        KimiAgentRunResult? result = null;
        try
        {
            var agent = _swarm.SubAgentFor(task.ToolNames);
            var resumed = _options.CheckpointStore is { } store && await SwarmCheckpoints.ExistsAsync(store, task.RunId, linked.Token).ConfigureAwait(false);
            await EmitAsync(new KimiSwarmSubAgentStarted(task, resumed)).ConfigureAwait(false);
            var context = new KimiAgentRunContext { ParentRunId = task.ParentRunId, AgentName = task.Name, Budget = _budget.Account(task.RunId) };
            var events = resumed
                ? agent.ResumeStreamingAsync(task.RunId, context, linked.Token)
                : agent.RunStreamingAsync(task.RunId, [KimiMessage.System(task.SystemPrompt ?? _options.SubAgentInstructions), KimiMessage.User(task.Instructions)], context, linked.Token);
            await foreach (var item in events.ConfigureAwait(false))
            {
                if (item is KimiAgentRunCompleted completed)
                {
                    result = completed.Result;
                }

                if (item is not KimiAgentModelUpdate || _options.IncludeSubAgentModelUpdates)
                {
                    await EmitAsync(item).ConfigureAwait(false);
                }
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A sub-agent never crashes the swarm: a store failure, a lease held elsewhere or a bug becomes its error text.
            var stopped = ex is OperationCanceledException && linked.IsCancellationRequested;
            var message = stopped ? Stopped(task, timeout) : $"could not run: {ex.Message}";
            return new KimiSwarmSubAgentResult(task, stopped ? KimiAgentStopReason.Cancelled : result?.StopReason, string.Empty, result?.Steps ?? 0, result?.Usage ?? new TokenUsage(0, 0), result?.CostUsd, message);
        }

        var outcome = KimiSwarmSubAgentResult.FromRun(task, result!);
        return result!.StopReason == KimiAgentStopReason.Cancelled
            ? new KimiSwarmSubAgentResult(task, result.StopReason, string.Empty, result.Steps, result.Usage, result.CostUsd, Stopped(task, timeout)) // names a sub-agent timeout
            : outcome;
    }

    /// <summary>A sub-agent run by <see cref="KimiSwarmOptions.SubAgentRunner"/>: only its start and end are reported here.</summary>
    private async Task<KimiSwarmSubAgentResult> RunElsewhereAsync(KimiSwarmSubAgentRunner runner, KimiSwarmSubTask task, CancellationTokenSource linked, CancellationTokenSource? timeout)
    {
        await EmitAsync(new KimiSwarmSubAgentStarted(task, resumed: false)).ConfigureAwait(false);
        try
        {
            var result = await runner.RunAsync(task, linked.Token).ConfigureAwait(false);
            return result.StopReason == KimiAgentStopReason.Cancelled && timeout?.IsCancellationRequested == true
                ? new KimiSwarmSubAgentResult(task, result.StopReason, string.Empty, result.Steps, result.Usage, result.CostUsd, Stopped(task, timeout))
                : result;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            var stopped = ex is OperationCanceledException && linked.IsCancellationRequested;
            return new KimiSwarmSubAgentResult(task, stopped ? KimiAgentStopReason.Cancelled : null, string.Empty, 0, new TokenUsage(0, 0), null,
                stopped ? Stopped(task, timeout) : $"could not run: {ex.Message}");
        }
    }

    private string Stopped(KimiSwarmSubTask task, CancellationTokenSource? timeout) =>
        timeout?.IsCancellationRequested == true
            ? $"timed out after {_options.SubAgentTimeout}: it did not finish in time. Delegate it again to continue it, or narrow it."
            : KimiSwarmSubAgentResult.CancelledError;

    private async ValueTask EmitAsync(KimiAgentEvent item)
    {
        try
        {
            await _writer.WriteAsync(item, _consumerGone).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_consumerGone.IsCancellationRequested)
        {
            // Nobody reads any more: the runs are being cancelled and finish on their own.
        }
    }

    /// <summary>The tool result: one entry per sub-task, in order, and what is left of the swarm's budget.</summary>
    private static string Describe(KimiSwarmSubAgentResult[] results, KimiSwarmBudgetStatus status)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, JsonOptions))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("results");
            foreach (var result in results)
            {
                writer.WriteStartObject();
                writer.WriteString("name", result.Task.Name);
                writer.WriteString("status", Status(result));
                if (result.Completed)
                {
                    writer.WriteString("answer", result.Text);
                }
                else
                {
                    writer.WriteString("error", result.Error);
                }

                writer.WriteNumber("steps", result.Steps);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteStartObject("swarm_budget_left");
            WriteNumber(writer, "steps", status.RemainingSteps);
            WriteNumber(writer, "tokens", status.RemainingTokens);
            if (status.RemainingCostUsd is { } cost)
            {
                writer.WriteNumber("usd", cost);
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>completed, cancelled (the swarm stopped: delegate it again to continue), timed_out, stopped (a budget) or failed.</summary>
    private static string Status(KimiSwarmSubAgentResult result) => result switch
    {
        { Completed: true } => "completed",
        { StopReason: KimiAgentStopReason.Cancelled, Error: { } error } when error.StartsWith("timed out", StringComparison.Ordinal) => "timed_out",
        { StopReason: KimiAgentStopReason.Cancelled } => "cancelled",
        { StopReason: KimiAgentStopReason.MaxSteps or KimiAgentStopReason.TokenBudget or KimiAgentStopReason.CostBudget or KimiAgentStopReason.WallTime } => "stopped",
        _ => "failed",
    };

    private static void WriteNumber(Utf8JsonWriter writer, string name, long? value)
    {
        if (value is { } v)
        {
            writer.WriteNumber(name, v);
        }
    }
}

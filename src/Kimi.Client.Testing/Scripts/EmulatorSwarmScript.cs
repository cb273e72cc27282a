using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Kimi.Client.Testing;

/// <summary>
/// A scripted swarm for <see cref="KimiEmulator.Responder"/>: the orchestrator (a request that offers the delegation tool)
/// delegates <c>N</c> sub-tasks, in one or more batches, then answers; sub-agent <c>i</c> (named in its user message) calls
/// one of its tools on each of its first <c>M(i)</c> steps and then answers. Each reply's usage is fixed from the request and
/// summed, so a test can compare the swarm's sums with <see cref="Usage"/> exactly.
/// </summary>
/// <remarks>Thread-safe: sub-agents' requests arrive concurrently.</remarks>
public sealed class EmulatorSwarmScript
{
    private readonly Func<int, int> _toolCalls;
    private long _promptTokens;
    private long _completionTokens;
    private long _cachedTokens;
    private long _reasoningTokens;
    private int _requests;
    private int _orchestratorRequests;

    /// <summary>Creates the script.</summary>
    /// <param name="subTasks">How many sub-tasks the orchestrator delegates (<c>N</c>).</param>
    /// <param name="toolCallsPerSubTask">How many tool calls sub-task <c>i</c> (1-based) makes before answering (<c>M(i)</c>).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="subTasks"/> is less than 1.</exception>
    public EmulatorSwarmScript(int subTasks, Func<int, int> toolCallsPerSubTask)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(subTasks, 1);
        ArgumentNullException.ThrowIfNull(toolCallsPerSubTask);
        SubTasks = subTasks;
        _toolCalls = toolCallsPerSubTask;
    }

    /// <summary>Gets how many sub-tasks the orchestrator delegates.</summary>
    public int SubTasks { get; }

    /// <summary>Gets or sets the orchestrator's delegation tool name. Defaults to <c>delegate_tasks</c>.</summary>
    public string DelegateToolName { get; set; } = "delegate_tasks";

    /// <summary>Gets or sets how many delegations the sub-tasks are split over (the orchestrator delegates again after each result). Defaults to 1.</summary>
    public int Batches { get; set; } = 1;

    /// <summary>Gets or sets the tools each sub-task names (<see langword="null"/>: none named, so it gets all).</summary>
    public IReadOnlyList<string>? SubTaskTools { get; set; }

    /// <summary>Gets or sets whether the orchestrator delegates again the sub-tasks a result reports as <c>cancelled</c> (as a model would after a resume). Defaults to <see langword="true"/>.</summary>
    public bool RedelegateCancelled { get; set; } = true;

    /// <summary>Gets or sets the arguments a sub-agent writes for a tool call, from the sub-task (1-based), the step (1-based) and the tool's name.</summary>
    public Func<int, int, string, string> ToolArguments { get; set; } =
        static (task, step, _) => $$"""{"query":"sub-task {{task.ToString(CultureInfo.InvariantCulture)}} step {{step.ToString(CultureInfo.InvariantCulture)}}"}""";

    /// <summary>Gets the usage of every reply the script made, summed.</summary>
    public TokenUsage Usage => new(
        checked((int)Interlocked.Read(ref _promptTokens)), checked((int)Interlocked.Read(ref _completionTokens)), null,
        checked((int)Interlocked.Read(ref _cachedTokens)), checked((int)Interlocked.Read(ref _reasoningTokens)));

    /// <summary>Gets how many requests the script answered (every one a model call).</summary>
    public int Requests => Volatile.Read(ref _requests);

    /// <summary>Gets how many of them were the orchestrator's.</summary>
    public int OrchestratorRequests => Volatile.Read(ref _orchestratorRequests);

    /// <summary>The instructions of sub-task <paramref name="index"/> (1-based), as the orchestrator writes them.</summary>
    /// <param name="index">The sub-task.</param>
    /// <returns>The text.</returns>
    public string Instructions(int index) =>
        $"Sub-task {index.ToString(CultureInfo.InvariantCulture)} of {SubTasks.ToString(CultureInfo.InvariantCulture)}: check part {index.ToString(CultureInfo.InvariantCulture)} of the parser and report.";

    /// <summary>Sub-task <paramref name="index"/>'s final answer.</summary>
    /// <param name="index">The sub-task (1-based).</param>
    /// <returns>The text.</returns>
    public string SubTaskAnswer(int index) => $"Part {index.ToString(CultureInfo.InvariantCulture)} is fine ({_toolCalls(index).ToString(CultureInfo.InvariantCulture)} tool calls).";

    /// <summary>The orchestrator's final answer once <paramref name="completed"/> sub-tasks completed.</summary>
    /// <param name="completed">How many completed.</param>
    /// <returns>The text.</returns>
    public string FinalAnswer(int completed) => $"Swarm done: {completed.ToString(CultureInfo.InvariantCulture)} of {SubTasks.ToString(CultureInfo.InvariantCulture)} sub-tasks completed.";

    /// <summary>Answers one request; use as <see cref="KimiEmulator.Responder"/>.</summary>
    /// <param name="request">The request.</param>
    /// <returns>The reply, or <see langword="null"/> (the emulator's default) for a request that is neither the orchestrator's nor a sub-agent's.</returns>
    public EmulatorReply? Reply(EmulatorRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Json.ValueKind != JsonValueKind.Object || !request.Json.TryGetProperty("messages", out var messages))
        {
            return null;
        }

        var tools = ToolNames(request.Json);
        EmulatorReply? reply;
        int step;
        if (tools.Contains(DelegateToolName))
        {
            Interlocked.Increment(ref _orchestratorRequests);
            (reply, step) = Orchestrate(messages);
        }
        else if (SubTaskIndex(messages) is { } index)
        {
            step = Count(messages, "tool") + 1;
            reply = step <= _toolCalls(index) && tools.Count > 0
                ? EmulatorReply.FromToolCalls($"Step {step} of sub-task {index}: look further.", new EmulatorToolCall(tools[(index + step) % tools.Count], ToolArguments(index, step, tools[(index + step) % tools.Count])))
                : EmulatorReply.FromText(SubTaskAnswer(index), "Everything is checked.");
        }
        else
        {
            return null;
        }

        var prompt = Encoding.UTF8.GetByteCount(request.Body) / 4;
        reply.PromptTokens = prompt;
        reply.CachedTokens = prompt / 2;
        reply.ReasoningTokens = 8;
        reply.CompletionTokens = 24 + step;
        Interlocked.Add(ref _promptTokens, prompt);
        Interlocked.Add(ref _cachedTokens, prompt / 2);
        Interlocked.Add(ref _reasoningTokens, 8);
        Interlocked.Add(ref _completionTokens, 24 + step);
        Interlocked.Increment(ref _requests);
        return reply;
    }

    private (EmulatorReply Reply, int Step) Orchestrate(JsonElement messages)
    {
        var results = new List<string>();
        foreach (var message in messages.EnumerateArray())
        {
            if (message.GetProperty("role").ValueEquals("tool") && message.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String)
            {
                results.Add(content.GetString()!);
            }
        }

        var step = results.Count + 1;
        var perBatch = (SubTasks + Batches - 1) / Batches;
        if (results.Count < Batches)
        {
            var first = (results.Count * perBatch) + 1;
            return (Delegate(Enumerable.Range(first, Math.Min(perBatch, SubTasks - first + 1)), $"Delegate batch {results.Count + 1}."), step);
        }

        var completed = new HashSet<string>(StringComparer.Ordinal);
        var cancelled = new List<string>();
        foreach (var result in results)
        {
            if (!result.StartsWith('{'))
            {
                continue; // a refused delegation: an error text
            }

            using var document = JsonDocument.Parse(result);
            foreach (var entry in document.RootElement.GetProperty("results").EnumerateArray())
            {
                var name = entry.GetProperty("name").GetString()!;
                if (entry.GetProperty("status").ValueEquals("completed"))
                {
                    completed.Add(name);
                }
            }
        }

        if (RedelegateCancelled && results[^1].StartsWith('{'))
        {
            using var last = JsonDocument.Parse(results[^1]);
            cancelled.AddRange(last.RootElement.GetProperty("results").EnumerateArray()
                .Where(e => e.GetProperty("status").ValueEquals("cancelled")).Select(e => e.GetProperty("name").GetString()!));
        }

        return cancelled.Count > 0
            ? (Delegate(cancelled.Select(name => int.Parse(name.AsSpan(5), CultureInfo.InvariantCulture)), "Some sub-tasks were cancelled; delegate them again."), step)
            : (EmulatorReply.FromText(FinalAnswer(completed.Count), "All results are in."), step);
    }

    private EmulatorReply Delegate(IEnumerable<int> indexes, string reasoning)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("tasks");
            foreach (var index in indexes)
            {
                writer.WriteStartObject();
                writer.WriteString("name", "task-" + index.ToString("D3", CultureInfo.InvariantCulture));
                writer.WriteString("instructions", Instructions(index));
                if (SubTaskTools is { } names)
                {
                    writer.WriteStartArray("tools");
                    foreach (var name in names)
                    {
                        writer.WriteStringValue(name);
                    }

                    writer.WriteEndArray();
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return EmulatorReply.FromToolCalls(reasoning, new EmulatorToolCall(DelegateToolName, Encoding.UTF8.GetString(buffer.ToArray())));
    }

    private static List<string> ToolNames(JsonElement body)
    {
        var names = new List<string>();
        if (body.TryGetProperty("tools", out var tools) && tools.ValueKind == JsonValueKind.Array)
        {
            foreach (var tool in tools.EnumerateArray())
            {
                if (tool.TryGetProperty("function", out var function) && function.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String)
                {
                    names.Add(name.GetString()!);
                }
            }
        }

        return names;
    }

    private static int? SubTaskIndex(JsonElement messages)
    {
        var text = string.Empty;
        foreach (var message in messages.EnumerateArray())
        {
            if (message.GetProperty("role").ValueEquals("user") && message.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String)
            {
                text = content.GetString()!;
                break;
            }
        }

        const string Prefix = "Sub-task ";
        if (!text.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var end = text.IndexOf(' ', Prefix.Length);
        return end > 0 && int.TryParse(text.AsSpan(Prefix.Length, end - Prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var index) ? index : null;
    }

    private static int Count(JsonElement messages, string role)
    {
        var count = 0;
        foreach (var message in messages.EnumerateArray())
        {
            if (message.GetProperty("role").ValueEquals(role))
            {
                count++;
            }
        }

        return count;
    }
}

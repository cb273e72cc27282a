using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.AI;

namespace Kimi.Client.Agents;

/// <summary>
/// Runs a tool-calling loop: call the model, run the tools it asks for (in parallel, up to a limit), send the results
/// back, and repeat until it answers without tools or a budget is reached. Reasoning goes back with every assistant
/// turn, as Kimi requires, and the run never throws for a budget: the result says why it stopped.
/// </summary>
/// <remarks>One agent can run many conversations at once; each run keeps its own history.</remarks>
public class KimiAgent
{
    private const int CharsPerToken = 4; // rough prompt estimate for budget clamps; real usage settles it after each call
    private const int ContextWindow = 262_144; // Kimi K2.6's window: a clamp at or above what is left of it is no clamp

    private readonly KimiClient _client = null!;
    private readonly Dictionary<string, AIFunction> _tools = null!;
    private readonly AIFunctionDeclaration[] _declarations = [];
    private readonly KimiAgentOptions _options = null!;

    /// <summary>For mocking only.</summary>
    protected KimiAgent()
    {
    }

    /// <summary>Creates an agent.</summary>
    /// <param name="client">The client that calls the model.</param>
    /// <param name="tools">The functions the model may call (for example from <c>AIFunctionFactory.Create</c>).</param>
    /// <param name="options">Budgets and behaviour; <see langword="null"/> for the defaults.</param>
    /// <exception cref="ArgumentException">Two tools share a name, or a setting is out of range.</exception>
    public KimiAgent(KimiClient client, IEnumerable<AIFunction> tools, KimiAgentOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(tools);
        _client = client;
        _options = options ?? new KimiAgentOptions();
        if (_options.MaxParallelToolCalls < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), _options.MaxParallelToolCalls, "KimiAgentOptions.MaxParallelToolCalls must be at least 1.");
        }

        if (_options.MaxSteps is < 1 || _options.MaxTotalTokens is < 1 || _options.MaxCostUsd is <= 0 || _options.MaxWallTime is { Ticks: <= 0 })
        {
            throw new ArgumentOutOfRangeException(nameof(options), "KimiAgentOptions budgets must be positive when set (MaxSteps, MaxTotalTokens, MaxCostUsd, MaxWallTime).");
        }

        _tools = new Dictionary<string, AIFunction>(StringComparer.Ordinal);
        foreach (var tool in tools)
        {
            ArgumentNullException.ThrowIfNull(tool, nameof(tools));
            if (!_tools.TryAdd(tool.Name, tool))
            {
                throw new ArgumentException($"Two tools are named '{tool.Name}'; tool names must be unique.", nameof(tools));
            }
        }

        _declarations = [.. _tools.Values];
    }

    /// <summary>Runs the loop to the end and returns how it ended.</summary>
    /// <param name="messages">The conversation to start from (system prompt and the user's request).</param>
    /// <param name="cancellationToken">Stops the run; the result then has <see cref="KimiAgentStopReason.Cancelled"/>.</param>
    /// <returns>The result: stop reason, full history, summed usage and cost.</returns>
    /// <exception cref="InvalidOperationException">A cost budget is set but no price is known for the provider.</exception>
    public virtual async Task<KimiAgentRunResult> RunAsync(IEnumerable<KimiMessage> messages, CancellationToken cancellationToken = default)
    {
        KimiAgentRunResult? result = null;
        await foreach (var item in RunStreamingAsync(messages, cancellationToken).ConfigureAwait(false))
        {
            result = item.Result ?? result;
        }

        return result!;
    }

    /// <summary>Runs the loop and reports each step as it happens; the last event is <see cref="KimiAgentEventKind.RunCompleted"/>.</summary>
    /// <param name="messages">The conversation to start from.</param>
    /// <param name="cancellationToken">Stops the run cleanly (the last event still arrives, with <see cref="KimiAgentStopReason.Cancelled"/>).</param>
    /// <returns>The events.</returns>
    /// <exception cref="InvalidOperationException">A cost budget is set but no price is known for the provider.</exception>
    public virtual IAsyncEnumerable<KimiAgentEvent> RunStreamingAsync(IEnumerable<KimiMessage> messages, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var history = messages.ToList();
        if (history.Count == 0)
        {
            throw new ArgumentException("The conversation is empty: start the run with at least a user message.", nameof(messages));
        }

        var pricing = _options.Pricing ?? KimiPricing.ForProvider(_client.Provider);
        if (_options.MaxCostUsd is not null && pricing is null)
        {
            throw new InvalidOperationException(
                $"A cost budget needs prices, and {_client.Provider} publishes none for Kimi K2.6. Set KimiAgentOptions.Pricing, or use MaxTotalTokens instead.");
        }

        return RunCoreAsync(history, pricing, cancellationToken);
    }

    private async IAsyncEnumerable<KimiAgentEvent> RunCoreAsync(List<KimiMessage> history, KimiPricing? pricing, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // One slot, and each event waits to be taken (see EmitAsync): the run never gets ahead of its observer.
        var channel = Channel.CreateBounded<KimiAgentEvent>(new BoundedChannelOptions(1) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        using var consumerGone = new CancellationTokenSource();
        var run = new Run(this, history, pricing, channel.Writer, cancellationToken, consumerGone.Token);
        var producer = Task.Run(run.ExecuteAsync, CancellationToken.None);
        try
        {
            // Not cancelled by the caller's token: a cancelled run still delivers its RunCompleted event.
            await foreach (var item in channel.Reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
            {
                yield return item;
            }
        }
        finally
        {
            await consumerGone.CancelAsync().ConfigureAwait(false);
            await producer.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>One run's state; the loop itself.</summary>
    private sealed class Run(KimiAgent agent, List<KimiMessage> history, KimiPricing? pricing, ChannelWriter<KimiAgentEvent> writer, CancellationToken callerToken, CancellationToken consumerGone)
    {
        private readonly KimiAgentOptions _options = agent._options;
        private TokenUsage _usage = new(0, 0);
        private ChatCompletion? _last;
        private int _steps;
        private int _lastContextTokens;
        private long _charsSinceLastCall = history.Sum(static m => (long)m.Text.Length + (m.Reasoning?.Length ?? 0));

        private decimal? Cost => pricing?.Cost(_usage);

        private int? RemainingTokens => _options.MaxTotalTokens is { } budget ? Math.Max(0, budget - _usage.TotalTokens) : null;

        private decimal? RemainingCost => _options.MaxCostUsd is { } budget && Cost is { } spent ? Math.Max(0m, budget - spent) : null;

        private int? RemainingSteps => _options.MaxSteps is { } budget ? Math.Max(0, budget - _steps) : null;

        public async Task ExecuteAsync()
        {
            using var wall = _options.MaxWallTime is { } limit ? new CancellationTokenSource(limit, _options.TimeProvider) : null;
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(callerToken, consumerGone, wall?.Token ?? CancellationToken.None);
            KimiAgentRunResult result;
            try
            {
                result = await LoopAsync(linked.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (linked.IsCancellationRequested)
            {
                // Cancellation can surface as any exception of the call in flight (a cut stream, an aborted socket).
                var reason = wall?.IsCancellationRequested == true && !callerToken.IsCancellationRequested ? KimiAgentStopReason.WallTime : KimiAgentStopReason.Cancelled;
                result = Finish(reason, ex is OperationCanceledException ? null : ex);
            }
            catch (Exception ex)
            {
                writer.TryComplete(ex);
                return;
            }

            if (!consumerGone.IsCancellationRequested)
            {
                await writer.WriteAsync(new KimiAgentEvent(KimiAgentEventKind.RunCompleted, _steps) { Result = result, Usage = _usage, CostUsd = Cost, RemainingTokens = RemainingTokens, RemainingCostUsd = RemainingCost, RemainingSteps = RemainingSteps }, consumerGone)
                    .AsTask().ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }

            writer.TryComplete();
        }

        private async Task<KimiAgentRunResult> LoopAsync(CancellationToken token)
        {
            while (true)
            {
                if (_options.MaxSteps is { } maxSteps && _steps >= maxSteps)
                {
                    return Finish(KimiAgentStopReason.MaxSteps);
                }

                var callOptions = BuildCallOptions(out var stop);
                if (stop is { } budget)
                {
                    return Finish(budget);
                }

                IReadOnlyList<KimiMessage> input = history;
                if (_options.HistoryReducer is { } reducer)
                {
                    input = await reducer(history, token).ConfigureAwait(false);
                }

                _steps++;
                await EmitAsync(new KimiAgentEvent(KimiAgentEventKind.ModelCallStarted, _steps) { Usage = _usage, CostUsd = Cost, RemainingTokens = RemainingTokens, RemainingCostUsd = RemainingCost, RemainingSteps = RemainingSteps }, token).ConfigureAwait(false);

                ChatCompletion completion;
                try
                {
                    completion = await CallModelAsync(input, callOptions, token).ConfigureAwait(false);
                }
                catch (KimiContextLengthExceededException ex)
                {
                    return Finish(KimiAgentStopReason.ContextLength, ex);
                }
                catch (Exception ex) when (ex is KimiException or HttpRequestException or OperationCanceledException && !token.IsCancellationRequested)
                {
                    // Not ours to cancel (an HttpClient timeout) or a transport failure: the run ends with its history, not a throw.
                    return Finish(KimiAgentStopReason.Failed, ex);
                }

                if (completion.Usage is { } usage)
                {
                    _usage += usage;
                    _lastContextTokens = usage.InputTokens + usage.OutputTokens;
                    _charsSinceLastCall = 0;
                }
                else
                {
                    _charsSinceLastCall += completion.Text.Length + (completion.Reasoning?.Length ?? 0);
                }

                _last = completion;
                history.Add(completion.ToMessage());
                await EmitAsync(new KimiAgentEvent(KimiAgentEventKind.ModelCallCompleted, _steps) { Completion = completion, Usage = _usage, CostUsd = Cost, RemainingTokens = RemainingTokens, RemainingCostUsd = RemainingCost, RemainingSteps = RemainingSteps }, token).ConfigureAwait(false);

                // "Has tool calls" is decided from the calls, never from finish_reason (engines differ).
                if (completion.ToolCalls.Count == 0)
                {
                    return Finish(KimiAgentStopReason.Completed);
                }

                var firstError = await RunToolsAsync(completion.ToolCalls, token).ConfigureAwait(false);
                if (firstError is not null && _options.StopOnToolError)
                {
                    return Finish(KimiAgentStopReason.ToolError, firstError);
                }
            }
        }

        private async Task<ChatCompletion> CallModelAsync(IReadOnlyList<KimiMessage> input, ChatCompletionOptions options, CancellationToken token)
        {
            if (!_options.UseStreaming)
            {
                return await agent._client.CompleteAsync(input, options, token).ConfigureAwait(false);
            }

            var stream = agent._client.StreamAsync(input, options, token);
            await foreach (var update in stream.ConfigureAwait(false))
            {
                await EmitAsync(new KimiAgentEvent(KimiAgentEventKind.ModelUpdate, _steps) { Update = update }, token).ConfigureAwait(false);
            }

            return stream.Completion!;
        }

        /// <summary>The next call's options, its output cap clamped to what the token and cost budgets still allow.</summary>
        private ChatCompletionOptions BuildCallOptions(out KimiAgentStopReason? stop)
        {
            stop = null;
            var template = _options.CallOptions;
            var options = Copy(template);
            foreach (var declaration in agent._declarations)
            {
                options.Tools.Add(declaration);
            }

            var settings = agent._client.Settings;
            var cap = template?.MaxOutputTokens ?? settings?.Options.MaxOutputTokens ?? settings?.Profile.DefaultMaxOutputTokens ?? settings?.Profile.MaxOutputTokensLimit;
            var estimatedInput = (long)_lastContextTokens + (_charsSinceLastCall / CharsPerToken);
            long? room = null;
            if (_options.MaxTotalTokens is { } tokenBudget)
            {
                room = tokenBudget - _usage.TotalTokens - estimatedInput;
                if (room < 1)
                {
                    stop = KimiAgentStopReason.TokenBudget;
                    return options;
                }
            }

            if (_options.MaxCostUsd is { } costBudget && pricing is not null && pricing.OutputPerMillion > 0)
            {
                var remaining = costBudget - Cost!.Value - (estimatedInput * pricing.InputPerMillion / 1_000_000m);
                var affordable = remaining <= 0 ? 0 : (long)Math.Min(long.MaxValue, Math.Floor(remaining * 1_000_000m / pricing.OutputPerMillion));
                if (affordable < 1)
                {
                    stop = KimiAgentStopReason.CostBudget;
                    return options;
                }

                room = Math.Min(room ?? long.MaxValue, affordable);
            }

            // Clamp only below what would be sent anyway. Without a known cap (self-hosted), a room wider than the context
            // left is no limit, and sending it would make the server reject prompt + output as too long.
            var ceiling = cap ?? (ContextWindow - estimatedInput);
            if (room is { } r && r < ceiling)
            {
                options.MaxOutputTokens = (int)r;
            }

            return options;
        }

        private async Task<Exception?> RunToolsAsync(IReadOnlyList<ToolCall> calls, CancellationToken token)
        {
            var results = new (string? Text, Exception? Error)[calls.Count];
            using var gate = new SemaphoreSlim(_options.MaxParallelToolCalls);
            var started = new List<Task>(calls.Count);
            try
            {
                for (var i = 0; i < calls.Count; i++)
                {
                    // Taken here, in call order, so a limit of N starts the calls first to last, N at a time.
                    await gate.WaitAsync(token).ConfigureAwait(false);
                    var index = i;
                    started.Add(Task.Run(
                        async () =>
                        {
                            try
                            {
                                var call = calls[index];
                                await EmitAsync(new KimiAgentEvent(KimiAgentEventKind.ToolInvoking, _steps) { ToolCall = call }, token).ConfigureAwait(false);
                                results[index] = await agent.InvokeToolAsync(call, token).ConfigureAwait(false);
                                await EmitAsync(new KimiAgentEvent(KimiAgentEventKind.ToolCompleted, _steps) { ToolCall = call, ToolResult = results[index].Text, ToolError = results[index].Error }, token).ConfigureAwait(false);
                            }
                            finally
                            {
                                gate.Release();
                            }
                        },
                        CancellationToken.None));
                }

                await Task.WhenAll(started).ConfigureAwait(false);
            }
            finally
            {
                // Also when cancelled: every call gets an answer, so the history stays a conversation the caller can resume.
                await Task.WhenAll(started).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                AppendResults(calls, results);
            }

            Exception? firstError = null;
            foreach (var result in results)
            {
                firstError ??= result.Error;
            }

            return firstError;
        }

        private void AppendResults(IReadOnlyList<ToolCall> calls, (string? Text, Exception? Error)[] results)
        {
            for (var i = 0; i < calls.Count; i++)
            {
                var text = results[i].Text ?? $"Error: '{calls[i].Name}' did not finish: the run was stopped (cancelled or out of time).";
                history.Add(new KimiMessage(MessageRole.Tool, text) { ToolCallId = calls[i].Id, Name = calls[i].Name });
                _charsSinceLastCall += text.Length;
            }
        }

        private async ValueTask EmitAsync(KimiAgentEvent item, CancellationToken token)
        {
            await writer.WriteAsync(item, token).ConfigureAwait(false);

            // Wait until the reader has taken it, so a consumer that stops reading stops the run before its next call.
            await writer.WaitToWriteAsync(token).ConfigureAwait(false);
        }

        private KimiAgentRunResult Finish(KimiAgentStopReason reason, Exception? exception = null) =>
            new(reason, history.ToArray(), _last, _steps, _usage, Cost, exception);

        private static ChatCompletionOptions Copy(ChatCompletionOptions? template)
        {
            var copy = new ChatCompletionOptions();
            if (template is null)
            {
                return copy;
            }

            copy.Thinking = template.Thinking;
            copy.MaxOutputTokens = template.MaxOutputTokens;
            copy.Temperature = template.Temperature;
            copy.TopP = template.TopP;
            copy.PresencePenalty = template.PresencePenalty;
            copy.FrequencyPenalty = template.FrequencyPenalty;
            copy.Seed = template.Seed;
            copy.ResponseFormat = template.ResponseFormat;
            copy.ToolChoice = template.ToolChoice;
            copy.ReasoningEffort = template.ReasoningEffort;
            copy.SessionId = template.SessionId; // one conversation: every step goes to the same replica (prompt cache)
            foreach (var stop in template.StopSequencesOrNull ?? [])
            {
                copy.StopSequences.Add(stop);
            }

            foreach (var (key, value) in template.AdditionalPropertiesOrNull ?? new Dictionary<string, System.Text.Json.Nodes.JsonNode?>())
            {
                copy.AdditionalProperties[key] = value?.DeepClone();
            }

            return copy;
        }
    }

    /// <summary>Runs one tool call. Bad arguments, unknown tools and tool exceptions become error results the model can act on.</summary>
    private async Task<(string Text, Exception? Error)> InvokeToolAsync(ToolCall call, CancellationToken token)
    {
        if (call.ArgumentsError is { } argumentsError)
        {
            return ($"Error: the arguments for '{call.Name}' were not valid JSON ({argumentsError}). Call the tool again with a JSON object that matches its schema.", null);
        }

        if (!_tools.TryGetValue(call.Name, out var function))
        {
            return ($"Error: there is no tool named '{call.Name}'. Available tools: {string.Join(", ", _tools.Keys)}.", null);
        }

        var arguments = new AIFunctionArguments();
        if (call.Arguments.Length > 0)
        {
            // A hand-built ToolCall may carry bad JSON without an ArgumentsError: answer it the same way, never crash the run.
            try
            {
                using var document = JsonDocument.Parse(call.Arguments);
                if (document.RootElement.ValueKind != JsonValueKind.Object)
                {
                    return ($"Error: the arguments for '{call.Name}' were not a JSON object. Call the tool again with a JSON object that matches its schema.", null);
                }

                foreach (var property in document.RootElement.EnumerateObject())
                {
                    arguments[property.Name] = property.Value.Clone();
                }
            }
            catch (JsonException ex)
            {
                return ($"Error: the arguments for '{call.Name}' were not valid JSON ({ex.Message}). Call the tool again with a JSON object that matches its schema.", null);
            }
        }

        try
        {
            var result = await function.InvokeAsync(arguments, token).ConfigureAwait(false);
            return (Describe(result, function), null);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            return ($"Error: '{call.Name}' failed: {ex.Message}", ex);
        }
    }

    private static string Describe(object? result, AIFunction function)
    {
        switch (result)
        {
            case null:
                return "null";
            case string text:
                return text;
            case JsonElement { ValueKind: JsonValueKind.String } element:
                return element.GetString()!;
            case JsonElement element:
                return element.GetRawText();
            default:
                try
                {
                    var options = function.JsonSerializerOptions ?? AIJsonUtilities.DefaultOptions;
                    return JsonSerializer.Serialize(result, options.GetTypeInfo(result.GetType()));
                }
                catch (NotSupportedException)
                {
                    return result.ToString() ?? string.Empty;
                }
        }
    }
}

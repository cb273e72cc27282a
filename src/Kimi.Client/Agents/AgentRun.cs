using System.Threading.Channels;

namespace Kimi.Client.Agents;

/// <summary>
/// One run of the loop: compact if due, call the model, record the turn, run the tools it asks for, record their results,
/// and repeat until it answers without tools or a budget ends the run. Composes the budget, the history and its compactor,
/// the tool invoker and the checkpointer; reports every step to the event channel.
/// </summary>
internal sealed class AgentRun
{
    private readonly KimiAgent _agent;
    private readonly KimiAgentOptions _options;
    private readonly string _runId;
    private readonly AgentHistory _history;
    private readonly AgentBudget _budget;
    private readonly AgentCheckpointer? _checkpointer;
    private readonly CheckpointReplay? _replay;
    private readonly HistoryCompactor? _compactor;
    private readonly int _window;
    private readonly int? _outputCap;
    private readonly ChannelWriter<KimiAgentEvent> _writer;
    private readonly CancellationToken _callerToken;
    private readonly CancellationToken _consumerGone;
    private readonly AgentWebSearch? _webSearch;
    private readonly KimiAgentRunContext? _context;
    private readonly Func<IReadOnlyList<KimiMessage>, CancellationToken, ValueTask<int>>? _tokenCounter;
    private ChatCompletion? _last;
    private int _compactions;
    private bool _overflowRetried;

    public AgentRun(KimiAgent agent, string runId, AgentHistory history, AgentBudget budget, AgentCheckpointer? checkpointer, CheckpointReplay? replay,
        ChannelWriter<KimiAgentEvent> writer, CancellationToken callerToken, CancellationToken consumerGone, KimiAgentRunContext? context = null)
    {
        _context = context;
        _agent = agent;
        _options = agent.Options;
        _runId = runId;
        _history = history;
        _budget = budget;
        _checkpointer = checkpointer;
        _replay = replay;
        _compactions = replay?.Compactions ?? 0;
        _writer = writer;
        _callerToken = callerToken;
        _consumerGone = consumerGone;
        _window = _options.ContextWindow ?? AgentProviderLimits.ContextWindow(agent.Client);
        _outputCap = AgentProviderLimits.OutputCap(agent.Client, _options.CallOptions);
        _webSearch = _options.WebSearch ? new AgentWebSearch(agent.Client, _options.MaxWebSearchRounds) : null;
        _tokenCounter = AgentProviderLimits.TokenCounter(agent.Client, _options.Compaction);
        if (_options.Compaction is { Enabled: true } compaction && _options.HistoryReducer is null)
        {
            _compactor = new HistoryCompactor(compaction, AgentProviderLimits.ToolTurnReasoningPlaceholder(agent.Client), AgentProviderLimits.Thinking(agent.Client, _options.CallOptions));
        }
    }

    public async Task ExecuteAsync()
    {
        using var wall = _budget.RemainingWallTime is { } limit ? new CancellationTokenSource(limit, _options.TimeProvider) : null;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(_callerToken, _consumerGone, wall?.Token ?? CancellationToken.None);
        var span = AgentTelemetry.StartRun(_agent.Client, _runId, _context);
        KimiAgentRunResult result;
        try
        {
            try
            {
                result = await StartAsync(linked.Token).ConfigureAwait(false) ?? await LoopAsync(linked.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (linked.IsCancellationRequested && ex is not KimiAgentCheckpointException)
            {
                // Cancellation can surface as any exception of the call in flight (a cut stream, an aborted socket).
                var reason = wall?.IsCancellationRequested == true && !_callerToken.IsCancellationRequested ? KimiAgentStopReason.WallTime : KimiAgentStopReason.Cancelled;
                result = Finish(reason, ex is OperationCanceledException ? null : ex);
            }

            await _budget.EndOpenCallAsync().ConfigureAwait(false);
            if (_checkpointer is not null && _replay?.StopReason != KimiAgentStopReason.Completed)
            {
                _checkpointer.Stage(Record(CheckpointRecordKind.Ended) with { StopReason = result.StopReason });
                await _checkpointer.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            span?.SetTag("error.type", ex.GetType().FullName).SetStatus(System.Diagnostics.ActivityStatusCode.Error).Dispose();
            _writer.TryComplete(ex);
            return;
        }

        AgentTelemetry.EndRun(span, result);
        if (!_consumerGone.IsCancellationRequested)
        {
            await _writer.WriteAsync(new KimiAgentRunCompleted(_runId, _budget.Steps, result, _budget.Status()) { ParentRunId = _context?.ParentRunId }, _consumerGone)
                .AsTask().ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        _writer.TryComplete();
    }

    /// <summary>For a resumed run: reports it, and answers the tool calls the crash left open. Returns a result when the run had already completed.</summary>
    private async Task<KimiAgentRunResult?> StartAsync(CancellationToken token)
    {
        if (_replay is null)
        {
            return null;
        }

        var pending = _replay.PendingTurn?.ToolCalls.Where(call => !_replay.PendingResults.ContainsKey(call.Id)).ToList() ?? [];
        var interrupted = pending.Where(call => _replay.Started.Contains(call.Id)).ToList();
        await EmitAsync(new KimiAgentRunResumed(_runId, _budget.Steps, _history.Count, _budget.Status(), interrupted), token).ConfigureAwait(false);
        if (_replay.StopReason == KimiAgentStopReason.Completed || (_replay.StopReason is null && _replay.Answered))
        {
            return Finish(KimiAgentStopReason.Completed); // the answer was recorded; only its end record may be missing
        }

        if (pending.Count == 0)
        {
            return null;
        }

        // Recorded results stand; interrupted calls of tools not marked idempotent are the caller's to decide.
        var known = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var call in interrupted.Where(call => !_options.IdempotentTools.Contains(call.Name)))
        {
            var decided = _options.InterruptedToolCallHandler is { } handler
                ? await handler(call, token).ConfigureAwait(false)
                : $"Error: the call to '{call.Name}' was interrupted when the agent's process stopped, and it was not run again because " +
                  "it is not marked idempotent. It may or may not have taken effect: check before calling it again.";
            if (decided is not null)
            {
                known[call.Id] = decided;
            }
        }

        var results = await RunToolsAsync(pending, known, token).ConfigureAwait(false);
        _replay.CompletePendingTurn(results.Messages);
        token.ThrowIfCancellationRequested();
        await SaveStepAsync(token).ConfigureAwait(false);
        return results.FirstError is not null && _options.StopOnToolError ? Finish(KimiAgentStopReason.ToolError, results.FirstError) : null;
    }

    private async Task<KimiAgentRunResult> LoopAsync(CancellationToken token)
    {
        while (true)
        {
            if (_budget.StepsExhausted)
            {
                return Finish(KimiAgentStopReason.MaxSteps);
            }

            ChatCompletion completion;
            var sent = 0;
            try
            {
                await CompactIfDueAsync(force: false, token).ConfigureAwait(false);
                if (_budget.StepsExhausted)
                {
                    return Finish(KimiAgentStopReason.MaxSteps); // a summary call took the last step
                }

                IReadOnlyList<KimiMessage> input = _history.Messages;
                if (_options.HistoryReducer is { } reducer)
                {
                    input = await reducer(_history.Messages, token).ConfigureAwait(false);
                }

                var (stop, maxOutput) = await _budget.BeginCallAsync(_history.PromptTokens, _outputCap, _window, token).ConfigureAwait(false);
                if (stop is { } budget)
                {
                    return Finish(budget);
                }

                sent = _history.Count;
                await EmitAsync(new KimiAgentModelCallStarted(_runId, _budget.Steps, _budget.Status(), input.Count, _history.PromptTokens), token).ConfigureAwait(false);
                completion = await CallModelAsync(input, CallOptions(maxOutput), token).ConfigureAwait(false);
                await _budget.RecordAsync(completion.Usage).ConfigureAwait(false);
                if (completion.Usage is { } usage)
                {
                    _history.Settle(sent, usage.InputTokens);
                }
            }
            catch (AgentBudgetStopException refused)
            {
                return Finish(refused.Reason); // a shared budget refused a summary call
            }
            catch (KimiContextLengthExceededException ex)
            {
                // The estimate was short (new messages cost more than four characters a token): the prompt was at least the
                // window less the output cap. Charged to the messages not yet settled, that makes compaction due; retried once.
                if (sent > 0 && !_overflowRetried && _compactor is not null)
                {
                    _overflowRetried = true;
                    _history.Settle(sent, (int)Math.Max(_history.PromptTokens + 1, _window - (_outputCap ?? 0) + 1));
                    try
                    {
                        if (await CompactIfDueAsync(force: true, token).ConfigureAwait(false))
                        {
                            continue;
                        }
                    }
                    catch (Exception summaryFailure) when (summaryFailure is KimiException or HttpRequestException && !token.IsCancellationRequested)
                    {
                        return Finish(KimiAgentStopReason.Failed, summaryFailure);
                    }
                    catch (AgentBudgetStopException refused)
                    {
                        return Finish(refused.Reason);
                    }
                }

                return Finish(KimiAgentStopReason.ContextLength, ex);
            }
            catch (Exception ex) when (ex is KimiException or HttpRequestException or OperationCanceledException && !token.IsCancellationRequested)
            {
                // Not ours to cancel (an HttpClient timeout) or a transport failure: the run ends with its history, not a throw.
                return Finish(KimiAgentStopReason.Failed, ex);
            }

            _overflowRetried = false;
            _last = completion;
            var message = completion.ToMessage();
            _history.Add(message, completion.Usage?.OutputTokens);
            _checkpointer?.Stage(Record(CheckpointRecordKind.ModelCall) with { Messages = [message], CallUsage = completion.Usage ?? new TokenUsage(0, 0) });
            await EmitAsync(new KimiAgentModelCallCompleted(_runId, _budget.Steps, completion, _budget.Status()), token).ConfigureAwait(false);

            // "Has tool calls" is decided from the calls, never from finish_reason (engines differ).
            if (completion.ToolCalls.Count == 0)
            {
                return Finish(KimiAgentStopReason.Completed); // the turn is written with the end record
            }

            var (searches, searchLoop) = _webSearch?.Answer(completion.ToolCalls) ?? default;
            if (searchLoop is not null)
            {
                return Finish(KimiAgentStopReason.Failed, searchLoop);
            }

            var results = await RunToolsAsync(completion.ToolCalls, known: searches, token).ConfigureAwait(false); // searches: echoed, not run
            foreach (var call in completion.ToolCalls)
            {
                _history.Add(results.Messages[call.Id]);
            }

            token.ThrowIfCancellationRequested();

            await SaveStepAsync(token).ConfigureAwait(false);
            if (results.FirstError is not null && _options.StopOnToolError)
            {
                return Finish(KimiAgentStopReason.ToolError, results.FirstError);
            }
        }
    }

    /// <summary>Compacts when the next prompt would pass the trigger (or at once, after the provider said it did not fit); whether anything changed.</summary>
    private async Task<bool> CompactIfDueAsync(bool force, CancellationToken token)
    {
        var reserve = _outputCap ?? 0;
        if (_compactor is null || (!force && !_compactor.IsDue(_history.PromptTokens, reserve, _window)))
        {
            return false;
        }

        if (!force && _tokenCounter is { } counter && !_compactor.IsDue(await counter(_history.Messages, token).ConfigureAwait(false), reserve, _window))
        {
            return false;
        }

        var outcome = await _compactor.CompactAsync(_history, reserve, _window, _options.Compaction.Summarize ? SummarizeAsync : null, token).ConfigureAwait(false);
        if (outcome is null)
        {
            return false;
        }

        _compactions++;
        if (_checkpointer is not null)
        {
            await _checkpointer.StageAndFlushAsync(
                Record(CheckpointRecordKind.Compacted) with { ReplaceStart = outcome.Start, ReplaceCount = outcome.RemovedCount, Messages = outcome.Replacement, CallUsage = outcome.SummaryUsage },
                token).ConfigureAwait(false);
        }

        await EmitAsync(new KimiAgentHistoryCompacted(_runId, _budget.Steps, outcome.TokensBefore, outcome.TokensAfter, outcome.MessagesBefore, outcome.MessagesAfter,
            outcome.Start, outcome.ReasoningCleared, outcome.ToolResultsShortened, outcome.MessagesSummarized, outcome.SummaryUsage), token).ConfigureAwait(false);
        return true;
    }

    /// <summary>The summary call of compaction step 3: same client, thinking off, no tools; it counts against every budget.</summary>
    private async ValueTask<(string Text, TokenUsage? Usage)> SummarizeAsync(IReadOnlyList<KimiMessage> span, CancellationToken token)
    {
        KimiMessage[] request = [KimiMessage.System(_options.Compaction.SummaryInstructions), KimiMessage.User(HistoryCompactor.Transcript(span))];

        // The summary's cap leaves room for its own prompt inside the window (with a margin for the estimate).
        var prompt = AgentHistory.Estimate(request[0]) + AgentHistory.Estimate(request[1]);
        var cap = (int)Math.Max(1, Math.Min(_options.Compaction.SummaryMaxOutputTokens, (_window * 0.9) - prompt));
        var (stop, granted) = await _budget.BeginSummaryCallAsync(prompt, cap, token).ConfigureAwait(false);
        if (stop is { } refused)
        {
            throw new AgentBudgetStopException(refused);
        }

        var options = new ChatCompletionOptions { Thinking = ThinkingMode.Disabled, MaxOutputTokens = granted };
        var summary = await _agent.Client.CompleteAsync(request, options, token).ConfigureAwait(false);
        await _budget.RecordAsync(summary.Usage).ConfigureAwait(false);
        return (summary.Text, summary.Usage);
    }

    private async Task<ChatCompletion> CallModelAsync(IReadOnlyList<KimiMessage> input, ChatCompletionOptions options, CancellationToken token)
    {
        if (!_options.UseStreaming || _webSearch is not null)
        {
            return await _agent.Client.CompleteAsync(input, options, token).ConfigureAwait(false);
        }

        var stream = _agent.Client.StreamAsync(input, options, token);
        await foreach (var update in stream.ConfigureAwait(false))
        {
            await EmitAsync(new KimiAgentModelUpdate(_runId, _budget.Steps, update), token).ConfigureAwait(false);
        }

        return stream.Completion!;
    }

    /// <summary>
    /// Runs the calls that have no answer in <paramref name="known"/> (in parallel, up to the limit, started in call order),
    /// recording each start and result. Every call gets a message, also when the run is stopped meanwhile.
    /// </summary>
    private async Task<ToolResults> RunToolsAsync(IReadOnlyList<ToolCall> calls, Dictionary<string, string>? known, CancellationToken token)
    {
        var contents = new ToolResultContent?[calls.Count];
        var errors = new Exception?[calls.Count];
        using var gate = new SemaphoreSlim(_options.MaxParallelToolCalls);
        var started = new List<Task>(calls.Count);
        try
        {
            for (var i = 0; i < calls.Count; i++)
            {
                if (known?.TryGetValue(calls[i].Id, out var decided) == true)
                {
                    contents[i] = decided;
                    await CompleteToolAsync(calls[i], decided, CancellationToken.None).ConfigureAwait(false);
                    continue;
                }

                // Taken here, in call order, so a limit of N starts the calls first to last, N at a time.
                await gate.WaitAsync(token).ConfigureAwait(false);
                var index = i;
                started.Add(Task.Run(
                    async () =>
                    {
                        try
                        {
                            var call = calls[index];
                            if (_checkpointer is not null)
                            {
                                // Durable before the tool runs: after a crash, a started call without a result is known to be in doubt.
                                await _checkpointer.StageAndFlushAsync(Record(CheckpointRecordKind.ToolStarted) with { ToolCallId = call.Id }, token).ConfigureAwait(false);
                            }

                            await EmitAsync(new KimiAgentToolStarted(_runId, _budget.Steps, call), token).ConfigureAwait(false);
                            var (content, error) = await InvokeToolAsync(call, token).ConfigureAwait(false);
                            contents[index] = content;
                            errors[index] = error;
                            await CompleteToolAsync(call, content, token).ConfigureAwait(false);
                            await EmitAsync(new KimiAgentToolCompleted(_runId, _budget.Steps, call, content.Text, error), token).ConfigureAwait(false);
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
        catch (Exception) when (token.IsCancellationRequested)
        {
            // Also when stopped: every call gets an answer below, so the history stays a conversation that can be resumed.
            await Task.WhenAll(started).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        var messages = new Dictionary<string, KimiMessage>(calls.Count, StringComparer.Ordinal);
        Exception? firstError = null;
        for (var i = 0; i < calls.Count; i++)
        {
            if (contents[i] is null)
            {
                contents[i] = $"Error: '{calls[i].Name}' did not finish: the run was stopped (cancelled or out of time).";
                await CompleteToolAsync(calls[i], contents[i]!, CancellationToken.None).ConfigureAwait(false);
            }

            messages[calls[i].Id] = ToolResultConverter.ToMessage(calls[i], contents[i]!);
            firstError ??= errors[i];
        }

        return new ToolResults(messages, firstError);
    }

    /// <summary>Runs one tool call inside its <c>execute_tool</c> span, with <see cref="KimiAgentToolContext.Current"/> set for the tool.</summary>
    private async Task<(ToolResultContent Content, Exception? Error)> InvokeToolAsync(ToolCall call, CancellationToken token)
    {
        var span = AgentTelemetry.StartTool(call, Array.Find(_agent.Tools.Declarations, d => d.Name == call.Name));
        KimiAgentToolContext.Current = new KimiAgentToolContext(_runId, _context?.ParentRunId, _budget.Steps, call);
        Exception? thrown = null;
        try
        {
            var outcome = await _agent.Tools.InvokeAsync(call, token).ConfigureAwait(false);
            thrown = outcome.Error;
            return outcome;
        }
        catch (Exception ex)
        {
            thrown = ex;
            throw;
        }
        finally
        {
            KimiAgentToolContext.Current = null;
            AgentTelemetry.EndTool(span, thrown);
        }
    }

    private async ValueTask CompleteToolAsync(ToolCall call, ToolResultContent content, CancellationToken token)
    {
        if (_checkpointer is not null)
        {
            await _checkpointer.StageAndFlushAsync(
                Record(CheckpointRecordKind.ToolCompleted) with { ToolCallId = call.Id, Messages = [ToolResultConverter.ToMessage(call, content)] },
                token.IsCancellationRequested ? CancellationToken.None : token).ConfigureAwait(false);
        }
    }

    private async ValueTask SaveStepAsync(CancellationToken token)
    {
        if (_checkpointer is null)
        {
            return;
        }

        await _checkpointer.FlushAsync(token).ConfigureAwait(false);
        var (records, bytes) = _checkpointer.TakeStepCounts();
        await EmitAsync(new KimiAgentCheckpointSaved(_runId, _budget.Steps, _checkpointer.Sequence, records, bytes), token).ConfigureAwait(false);
    }

    private CheckpointRecord Record(CheckpointRecordKind kind) => new()
    {
        Kind = kind,
        Step = _budget.Steps,
        ElapsedMilliseconds = _budget.ElapsedMilliseconds,
        TotalUsage = _budget.Usage,
        TotalCost = _budget.Cost,
    };

    private ChatCompletionOptions CallOptions(int? maxOutput)
    {
        var options = Copy(_options.CallOptions);
        foreach (var declaration in _agent.Tools.Declarations)
        {
            options.Tools.Add(declaration);
        }

        if (maxOutput is { } cap)
        {
            options.MaxOutputTokens = cap;
        }

        _webSearch?.Apply(options, _agent.Client.Logger);
        return options;
    }

    private async ValueTask EmitAsync(KimiAgentEvent item, CancellationToken token)
    {
        item.ParentRunId = _context?.ParentRunId;
        await _writer.WriteAsync(item, token).ConfigureAwait(false);

        // Wait until the reader has taken it, so a consumer that stops reading stops the run before its next call.
        await _writer.WaitToWriteAsync(token).ConfigureAwait(false);
    }

    private KimiAgentRunResult Finish(KimiAgentStopReason reason, Exception? exception = null)
    {
        var text = reason == KimiAgentStopReason.Completed ? _last?.Text ?? _history.Messages[^1].Text : string.Empty;
        return new(_runId, reason, _history.Messages.ToArray(), _last, text, _budget.Steps, _budget.Usage, _budget.Cost, _compactions, exception)
        {
            WebSearchCalls = _webSearch?.Calls ?? 0,
            WebSearchResultTokens = _webSearch?.ResultTokens ?? 0,
        };
    }

    private ChatCompletionOptions Copy(ChatCompletionOptions? template)
    {
        // One run is one conversation: every step carries its session id, so hosts that route by it keep the prompt cache hot.
        var copy = new ChatCompletionOptions { SessionId = template?.SessionId ?? _runId };
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

    private sealed record ToolResults(Dictionary<string, KimiMessage> Messages, Exception? FirstError);
}

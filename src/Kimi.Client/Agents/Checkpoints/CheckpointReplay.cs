namespace Kimi.Client.Agents;

/// <summary>
/// A run rebuilt from its checkpoint records: the live history (compactions applied), the sums, and the tool calls of the
/// last assistant turn that have no recorded result yet (with whether each had started).
/// </summary>
internal sealed class CheckpointReplay
{
    private CheckpointReplay(AgentHistory history)
    {
        History = history;
    }

    public AgentHistory History { get; }

    public TokenUsage Usage { get; private set; } = new(0, 0);

    public int Steps { get; private set; }

    /// <summary>The run's cost as the last record noted it (reported costs included), or <see langword="null"/>.</summary>
    public decimal? TotalCost { get; private set; }

    public long ElapsedMilliseconds { get; private set; }

    public int Compactions { get; private set; }

    public long LastSequence { get; private set; }

    /// <summary>How the run ended, if an end was recorded.</summary>
    public KimiAgentStopReason? StopReason { get; private set; }

    /// <summary>Whether the last model call answered without tools: the run had its final answer, even if its end was not recorded.</summary>
    public bool Answered { get; private set; }

    /// <summary>The last assistant turn, when its tool calls are not all answered.</summary>
    public KimiMessage? PendingTurn { get; private set; }

    /// <summary>Results recorded for <see cref="PendingTurn"/>'s calls, by call id.</summary>
    public Dictionary<string, KimiMessage> PendingResults { get; } = new(StringComparer.Ordinal);

    /// <summary>Calls of <see cref="PendingTurn"/> that started (a record says so) but have no result.</summary>
    public HashSet<string> Started { get; } = new(StringComparer.Ordinal);

    /// <exception cref="KimiAgentCheckpointException">A record is unreadable, out of order or inconsistent with the ones before it.</exception>
    public static CheckpointReplay Read(IReadOnlyList<KimiAgentCheckpoint> checkpoints, IKimiAgentCheckpointSession session)
    {
        CheckpointReplay? replay = null;
        for (var i = 0; i < checkpoints.Count; i++)
        {
            var checkpoint = checkpoints[i];
            if (checkpoint.Sequence != i + 1)
            {
                throw Corrupt(session, $"record {i + 1} is missing (found record {checkpoint.Sequence} in its place): the checkpoint is truncated or was edited");
            }

            CheckpointRecord record;
            try
            {
                record = CheckpointCodec.Read(checkpoint.Data);
            }
            catch (FormatException ex)
            {
                throw Corrupt(session, $"record {checkpoint.Sequence} cannot be read: {ex.Message}", ex);
            }

            if (replay is null)
            {
                if (record.Kind != CheckpointRecordKind.Started || record.Messages.Count == 0)
                {
                    throw Corrupt(session, "record 1 is not the start of a run");
                }

                replay = new CheckpointReplay(new AgentHistory(record.Messages));
            }
            else
            {
                replay.Apply(record, checkpoint.Sequence, session);
            }

            replay.LastSequence = checkpoint.Sequence;
        }

        if (replay is null)
        {
            throw new InvalidOperationException("No records to replay.");
        }

        // The process stopped after the last result of a turn was recorded: the turn is whole.
        replay.FlushPending(session, replay.LastSequence, allowIncomplete: true);
        return replay;
    }

    private void Apply(CheckpointRecord record, long sequence, IKimiAgentCheckpointSession session)
    {
        if (StopReason == KimiAgentStopReason.Completed)
        {
            throw Corrupt(session, $"record {sequence} follows the end of a completed run");
        }

        switch (record.Kind)
        {
            case CheckpointRecordKind.ModelCall when record.Messages is [{ Role: MessageRole.Assistant } message]:
                FlushPending(session, sequence);
                Usage += record.CallUsage ?? new TokenUsage(0, 0);
                if (record.CallUsage is { InputTokens: > 0 } usage)
                {
                    // As the live run did: the call's prompt tokens settle what it sent, so the rebuilt ledger is exact too.
                    History.Settle(History.Count, usage.InputTokens);
                }

                History.Add(message, record.CallUsage?.OutputTokens);
                PendingTurn = message.HasToolCalls ? message : null;
                StopReason = null;
                Answered = !message.HasToolCalls;
                break;
            case CheckpointRecordKind.ToolStarted when PendingTurn is not null && IsPendingCall(record.ToolCallId):
                Started.Add(record.ToolCallId!);
                break;
            case CheckpointRecordKind.ToolCompleted when PendingTurn is not null && IsPendingCall(record.ToolCallId) && record.Messages is [{ Role: MessageRole.Tool } result]:
                PendingResults[record.ToolCallId!] = result;
                Started.Remove(record.ToolCallId!);
                break;
            case CheckpointRecordKind.Compacted:
                FlushPending(session, sequence);
                Answered = false;
                if (PendingTurn is not null || record.ReplaceStart < History.ProtectedCount || record.ReplaceStart + record.ReplaceCount > History.Count)
                {
                    throw Corrupt(session, $"record {sequence} compacts messages {record.ReplaceStart}..{record.ReplaceStart + record.ReplaceCount} of a history of {History.Count}");
                }

                Usage += record.CallUsage ?? new TokenUsage(0, 0);
                History.Replace(record.ReplaceStart, record.ReplaceCount, [.. record.Messages.Select(m => (m, AgentHistory.Estimate(m)))]);
                Compactions++;
                break;
            case CheckpointRecordKind.Ended when record.StopReason is not null:
                FlushPending(session, sequence, allowIncomplete: true);
                StopReason = record.StopReason;
                break;
            default:
                throw Corrupt(session, $"record {sequence} ({record.Kind}) does not fit the records before it");
        }

        // The sums are recorded with every record: a replay that adds up differently is a damaged checkpoint, not a rounding.
        if (!SameUsage(Usage, record.TotalUsage))
        {
            throw Corrupt(session, $"record {sequence} says the run used {record.TotalUsage}, but its calls add up to {Usage}");
        }

        Steps = record.Step;
        ElapsedMilliseconds = record.ElapsedMilliseconds;
        TotalCost = record.TotalCost;
    }

    /// <summary>Appends the pending turn's results in call order, once all of them are recorded.</summary>
    private void FlushPending(IKimiAgentCheckpointSession session, long sequence, bool allowIncomplete = false)
    {
        if (PendingTurn is null)
        {
            return;
        }

        if (PendingTurn.ToolCalls.Any(call => !PendingResults.ContainsKey(call.Id)))
        {
            if (allowIncomplete)
            {
                return;
            }

            throw Corrupt(session, $"record {sequence} follows a turn whose tool calls were not all answered");
        }

        foreach (var call in PendingTurn.ToolCalls)
        {
            History.Add(PendingResults[call.Id]);
        }

        PendingTurn = null;
        PendingResults.Clear();
        Started.Clear();
    }

    /// <summary>Appends the pending turn's results once the missing ones are known (on resume).</summary>
    public void CompletePendingTurn(IReadOnlyDictionary<string, KimiMessage> results)
    {
        foreach (var call in PendingTurn!.ToolCalls)
        {
            History.Add(PendingResults.TryGetValue(call.Id, out var recorded) ? recorded : results[call.Id]);
        }

        PendingTurn = null;
        PendingResults.Clear();
        Started.Clear();
    }

    private bool IsPendingCall(string? id) => id is not null && PendingTurn!.ToolCalls.Any(call => call.Id == id);

    private static bool SameUsage(TokenUsage a, TokenUsage b) =>
        a.InputTokens == b.InputTokens && a.OutputTokens == b.OutputTokens && a.TotalTokens == b.TotalTokens &&
        a.CachedInputTokens == b.CachedInputTokens && a.ReasoningTokens == b.ReasoningTokens;

    private static KimiAgentCheckpointException Corrupt(IKimiAgentCheckpointSession session, string detail, Exception? inner = null) =>
        new($"The checkpoint of run '{session.RunId}' in {session.Location} is damaged: {detail}. Nothing was changed; restore the file from a backup or start a new run.",
            session.RunId, session.Location, inner);
}

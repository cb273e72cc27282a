using System.Text.Json;

namespace Kimi.Client.Agents;

/// <summary>
/// What a swarm's checkpoints say about it: whether a run exists, and, for a resume, what every run already spent (the
/// orchestrator's, and each sub-agent's found from the orchestrator's recorded delegations), so the shared budget goes on
/// from the recorded sums.
/// </summary>
internal static class SwarmCheckpoints
{
    public static async Task<bool> ExistsAsync(IKimiAgentCheckpointStore store, string runId, CancellationToken cancellationToken)
    {
        var session = await store.OpenAsync(runId, cancellationToken).ConfigureAwait(false);
        await using (session.ConfigureAwait(false))
        {
            return (await session.ReadAllAsync(cancellationToken).ConfigureAwait(false)).Count > 0;
        }
    }

    /// <summary>Charges the budget with everything the swarm's runs had spent before the resume.</summary>
    /// <exception cref="InvalidOperationException">The store holds no such swarm.</exception>
    public static async Task RestoreAsync(IKimiAgentCheckpointStore store, string runId, KimiSwarm swarm, KimiSwarmBudget budget, CancellationToken cancellationToken)
    {
        var (steps, usage, records) = await ReadAsync(store, runId, cancellationToken).ConfigureAwait(false);
        if (records.Count == 0)
        {
            throw new InvalidOperationException($"The checkpoint store holds no swarm '{runId}'; start it with RunAsync(runId, messages).");
        }

        var subAgents = new HashSet<string>(StringComparer.Ordinal);
        foreach (var checkpoint in records)
        {
            var record = CheckpointCodec.Read(checkpoint.Data);
            if (record.Kind != CheckpointRecordKind.ModelCall || record.Messages is not [{ HasToolCalls: true } turn])
            {
                continue;
            }

            foreach (var call in turn.ToolCalls.Where(c => c.Name == swarm.Options.DelegateToolName))
            {
                foreach (var task in Delegated(call, runId, swarm) ?? [])
                {
                    subAgents.Add(task.RunId);
                }
            }
        }

        foreach (var subAgent in subAgents)
        {
            var (subSteps, subUsage, subRecords) = await ReadAsync(store, subAgent, cancellationToken).ConfigureAwait(false);
            if (subRecords.Count > 0)
            {
                steps += subSteps;
                usage += subUsage;
            }
        }

        await budget.RestoreAsync(steps, usage, cancellationToken).ConfigureAwait(false);
    }

    private static List<KimiSwarmSubTask>? Delegated(ToolCall call, string runId, KimiSwarm swarm)
    {
        try
        {
            using var arguments = JsonDocument.Parse(call.Arguments);
            return arguments.RootElement.ValueKind == JsonValueKind.Object && arguments.RootElement.TryGetProperty(SubTaskParser.TasksProperty, out var tasks)
                ? SubTaskParser.Parse(tasks, runId, swarm.ToolNames, swarm.Options.DelegateToolName).Tasks
                : null;
        }
        catch (JsonException)
        {
            return null; // the model wrote bad arguments: the call ran no sub-agent
        }
    }

    private static async Task<(int Steps, TokenUsage Usage, IReadOnlyList<KimiAgentCheckpoint> Records)> ReadAsync(IKimiAgentCheckpointStore store, string runId, CancellationToken cancellationToken)
    {
        var session = await store.OpenAsync(runId, cancellationToken).ConfigureAwait(false);
        await using (session.ConfigureAwait(false))
        {
            var records = await session.ReadAllAsync(cancellationToken).ConfigureAwait(false);
            if (records.Count == 0)
            {
                return (0, new TokenUsage(0, 0), records);
            }

            var replay = CheckpointReplay.Read(records, session);
            return (replay.Steps, replay.Usage, records);
        }
    }
}

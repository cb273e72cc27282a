using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Kimi.Client.Agents;

/// <summary>The orchestrator's tool: hands a batch of sub-tasks to sub-agents and returns their results as one JSON text.</summary>
internal sealed class DelegateTasksFunction(SwarmRun run, string name) : AIFunction
{
    private static readonly JsonElement ParametersSchema = JsonDocument.Parse(SubTaskParser.Schema).RootElement.Clone();

    public override string Name => name;

    public override string Description =>
        "Delegates sub-tasks to sub-agents that run in parallel, each with its own history and a subset of the tools, and returns " +
        "each one's answer or error. Use it to split a large task; you may delegate again after reading the results.";

    public override JsonElement JsonSchema => ParametersSchema;

    protected override async ValueTask<object?> InvokeCoreAsync(AIFunctionArguments arguments, CancellationToken cancellationToken)
    {
        arguments.TryGetValue(SubTaskParser.TasksProperty, out var tasks);
        return await run.DelegateAsync(tasks, cancellationToken).ConfigureAwait(false);
    }
}

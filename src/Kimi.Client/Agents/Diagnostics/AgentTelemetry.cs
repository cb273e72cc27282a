using System.Diagnostics;
using Microsoft.Extensions.AI;

namespace Kimi.Client.Agents;

/// <summary>
/// The agent's trace spans, after the OpenTelemetry GenAI conventions (semantic-conventions v1.41.0, the last release that
/// carried them before they moved to their own repository): <c>invoke_agent {name}</c> around a run and
/// <c>execute_tool {tool}</c> around each tool call, both <see cref="ActivityKind.Internal"/>. The client's <c>chat</c>
/// spans start inside them, so a trace shows each run with its calls and tools, and a swarm's sub-agents under the tool
/// call that delegated them.
/// </summary>
internal static class AgentTelemetry
{
    /// <summary>Starts a run's span, or returns <see langword="null"/> when nothing listens.</summary>
    public static Activity? StartRun(KimiClient client, string runId, KimiAgentRunContext? context)
    {
        if (!KimiTelemetry.ActivitySource.HasListeners())
        {
            return null;
        }

        var name = context?.AgentName;
        var activity = KimiTelemetry.ActivitySource.StartActivity(name is null ? "invoke_agent" : $"invoke_agent {name}", ActivityKind.Internal);
        if (activity is { IsAllDataRequested: true })
        {
            var settings = client.Settings;
            activity.SetTag("gen_ai.operation.name", "invoke_agent")
                .SetTag("gen_ai.provider.name", (settings?.Profile ?? client.Provider).Dialect)
                .SetTag("gen_ai.agent.id", runId)
                .SetTag("gen_ai.conversation.id", runId);
            if (name is not null)
            {
                activity.SetTag("gen_ai.agent.name", name);
            }

            if (settings is not null)
            {
                activity.SetTag("gen_ai.request.model", settings.Model);
            }

            if (context?.ParentRunId is { } parent)
            {
                activity.SetTag("kimi.agent.parent_run_id", parent);
            }
        }

        return activity;
    }

    /// <summary>Ends a run's span with its sums and, for a failure, the error.</summary>
    public static void EndRun(Activity? activity, KimiAgentRunResult result)
    {
        if (activity is null)
        {
            return;
        }

        if (activity.IsAllDataRequested)
        {
            activity.SetTag("gen_ai.usage.input_tokens", result.Usage.InputTokens)
                .SetTag("gen_ai.usage.output_tokens", result.Usage.OutputTokens)
                .SetTag("kimi.agent.steps", result.Steps)
                .SetTag("kimi.agent.stop_reason", result.StopReason.ToString());
            if (result.Usage.CachedInputTokens is { } cached)
            {
                activity.SetTag("gen_ai.usage.cache_read.input_tokens", cached);
            }

            if (result.CostUsd is { } cost)
            {
                activity.SetTag("kimi.cost_usd", (double)cost);
            }

            if (result.StopReason is KimiAgentStopReason.Failed or KimiAgentStopReason.ContextLength or KimiAgentStopReason.ToolError)
            {
                activity.SetTag("error.type", result.Exception?.GetType().FullName ?? result.StopReason.ToString());
                activity.SetStatus(ActivityStatusCode.Error, result.StopReason.ToString());
            }
        }

        activity.Dispose();
    }

    /// <summary>Starts a tool call's span, or returns <see langword="null"/> when nothing listens.</summary>
    public static Activity? StartTool(ToolCall call, AIFunctionDeclaration? declaration)
    {
        if (!KimiTelemetry.ActivitySource.HasListeners())
        {
            return null;
        }

        var activity = KimiTelemetry.ActivitySource.StartActivity($"execute_tool {call.Name}", ActivityKind.Internal);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("gen_ai.operation.name", "execute_tool")
                .SetTag("gen_ai.tool.name", call.Name)
                .SetTag("gen_ai.tool.call.id", call.Id)
                .SetTag("gen_ai.tool.type", "function");
            if (declaration?.Description is { Length: > 0 } description)
            {
                activity.SetTag("gen_ai.tool.description", description);
            }
        }

        return activity;
    }

    /// <summary>Ends a tool call's span; a tool that threw marks it as an error.</summary>
    public static void EndTool(Activity? activity, Exception? error)
    {
        if (activity is null)
        {
            return;
        }

        if (error is not null)
        {
            activity.SetTag("error.type", error.GetType().FullName);
            activity.SetStatus(ActivityStatusCode.Error);
        }

        activity.Dispose();
    }
}

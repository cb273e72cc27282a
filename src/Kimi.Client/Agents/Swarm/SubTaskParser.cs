using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Kimi.Client.Agents;

/// <summary>
/// Reads the orchestrator's delegation (<c>{"tasks":[{"name","instructions","system_prompt","tools","max_steps"}]}</c>) into
/// sub-tasks, or says what is wrong in words the model can act on. A sub-agent's run id is derived from the swarm's run id and
/// the sub-task, so delegating the same sub-task again in the same swarm continues its run instead of starting over.
/// </summary>
internal static class SubTaskParser
{
    public const string TasksProperty = "tasks";

    /// <summary>The tool's parameters; every node typed, as Moonshot's schema check requires.</summary>
    public const string Schema = """
        {"type":"object","properties":{"tasks":{"type":"array","description":"The sub-tasks, run in parallel by sub-agents; each result comes back in this tool's result.","items":{"type":"object","properties":{
        "name":{"type":"string","description":"A short, unique name for the sub-task."},
        "instructions":{"type":"string","description":"What the sub-agent must do and report, self-contained: it sees nothing else."},
        "system_prompt":{"type":"string","description":"Optional role for the sub-agent."},
        "tools":{"type":"array","items":{"type":"string"},"description":"Optional: the names of the tools it may use (default: all)."},
        "max_steps":{"type":"integer","description":"Optional: the most model calls it may make."}},"required":["instructions"]}}},"required":["tasks"]}
        """;

    /// <summary>Parses the arguments the model wrote.</summary>
    /// <returns>The sub-tasks, or the error text for the model.</returns>
    public static (List<KimiSwarmSubTask>? Tasks, string? Error) Parse(object? tasksArgument, string parentRunId, IReadOnlyCollection<string> toolNames, string toolName)
    {
        if (tasksArgument is not JsonElement { ValueKind: JsonValueKind.Array } tasks)
        {
            return (null, $"Error: {toolName} needs 'tasks', an array of sub-tasks, each with 'instructions'. Call it again with at least one sub-task.");
        }

        if (tasks.GetArrayLength() == 0)
        {
            return (null, $"Error: {toolName} got no sub-tasks ('tasks' is empty). Call it again with at least one sub-task, or answer yourself.");
        }

        var result = new List<KimiSwarmSubTask>(tasks.GetArrayLength());
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var index = 0;
        foreach (var item in tasks.EnumerateArray())
        {
            index++;
            if (item.ValueKind != JsonValueKind.Object)
            {
                return (null, $"Error: sub-task {index} is not an object. Give each sub-task as {{\"name\":…,\"instructions\":…}}.");
            }

            var name = String(item, "name") ?? $"task-{index.ToString(CultureInfo.InvariantCulture)}";
            var label = $"sub-task {index} ('{name}')";
            if (String(item, "instructions") is not { } instructions || string.IsNullOrWhiteSpace(instructions))
            {
                return (null, $"Error: {label} has no 'instructions'. Say what the sub-agent must do.");
            }

            var system = String(item, "system_prompt");
            var tools = new List<string>();
            if (item.TryGetProperty("tools", out var toolList) && toolList.ValueKind != JsonValueKind.Null)
            {
                if (toolList.ValueKind != JsonValueKind.Array)
                {
                    return (null, $"Error: 'tools' of {label} is not an array of tool names.");
                }

                foreach (var tool in toolList.EnumerateArray())
                {
                    if (tool.ValueKind != JsonValueKind.String || tool.GetString() is not { } toolNameValue || !toolNames.Contains(toolNameValue))
                    {
                        return (null, $"Error: {label} asks for the tool {tool.GetRawText()}, which does not exist. Available tools: {string.Join(", ", toolNames)}.");
                    }

                    if (!tools.Contains(toolNameValue))
                    {
                        tools.Add(toolNameValue);
                    }
                }
            }
            else
            {
                tools.AddRange(toolNames);
            }

            int? maxSteps = null;
            if (item.TryGetProperty("max_steps", out var steps) && steps.ValueKind != JsonValueKind.Null)
            {
                if (steps.ValueKind != JsonValueKind.Number || !steps.TryGetInt32(out var value) || value < 1)
                {
                    return (null, $"Error: 'max_steps' of {label} must be a whole number of at least 1.");
                }

                maxSteps = value;
            }

            var runId = RunId(parentRunId, name, instructions, system, tools, maxSteps);
            if (seen.TryGetValue(runId, out var twin))
            {
                return (null, $"Error: sub-tasks {twin} and {index} are identical. Give each sub-task a different name or instructions.");
            }

            seen[runId] = index;
            result.Add(new KimiSwarmSubTask(runId, parentRunId, name, instructions, system, tools, maxSteps));
        }

        return (result, null);
    }

    /// <summary><c>{parent}/{name}-{hash}</c>: readable, and the same for the same sub-task of the same swarm.</summary>
    public static string RunId(string parentRunId, string name, string instructions, string? system, IReadOnlyList<string> tools, int? maxSteps)
    {
        var key = string.Join('\u001f', [name, instructions, system ?? "\u0000", string.Join('\u001e', tools), maxSteps?.ToString(CultureInfo.InvariantCulture) ?? "-"]);
        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)).AsSpan(0, 6)).ToLowerInvariant();
        var slug = new StringBuilder(Math.Min(name.Length, 40));
        foreach (var c in name)
        {
            if (slug.Length == 40)
            {
                break;
            }

            slug.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '-');
        }

        return $"{parentRunId}/{slug}-{hash}";
    }

    private static string? String(JsonElement item, string property) =>
        item.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}

using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Kimi.Client.Agents;

/// <summary>
/// The agent's tools by name, and how one call runs: bad arguments, unknown tools and tool exceptions become error results
/// the model can act on; only cancellation escapes.
/// </summary>
internal sealed class AgentToolInvoker
{
    private readonly Dictionary<string, AIFunction> _tools = new(StringComparer.Ordinal);

    /// <exception cref="ArgumentException">Two tools share a name.</exception>
    public AgentToolInvoker(IEnumerable<AIFunction> tools)
    {
        foreach (var tool in tools)
        {
            ArgumentNullException.ThrowIfNull(tool, nameof(tools));
            if (!_tools.TryAdd(tool.Name, tool))
            {
                throw new ArgumentException($"Two tools are named '{tool.Name}'; tool names must be unique.", nameof(tools));
            }
        }

        Declarations = [.. _tools.Values];
    }

    /// <summary>What the model is told about the tools.</summary>
    public AIFunctionDeclaration[] Declarations { get; }

    /// <summary>Runs one call.</summary>
    /// <returns>The text sent back, and the tool's exception if it threw.</returns>
    public async Task<(ToolResultContent Content, Exception? Error)> InvokeAsync(ToolCall call, CancellationToken cancellationToken)
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
            var result = await function.InvokeAsync(arguments, cancellationToken).ConfigureAwait(false);
            return (ToolResultContent.From(result, value => ToolResultConverter.ToText(value, function)), null); // images ride along as parts
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            return ($"Error: '{call.Name}' failed: {ex.Message}", ex);
        }
    }
}

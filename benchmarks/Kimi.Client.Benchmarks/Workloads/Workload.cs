using Kimi.Client.Benchmarks.Infrastructure;

namespace Kimi.Client.Benchmarks.Workloads;

/// <summary>
/// One canned exchange: the response bytes the in-memory handler returns and what a client must have read from them.
/// Verification is a handful of integer compares, so it costs nothing next to the work it guards.
/// </summary>
public sealed class Workload
{
    public required WorkloadKind Kind { get; init; }

    public required string Name { get; init; }

    /// <summary>The response body, shared by every call (each call gets a fresh content object over it).</summary>
    public required byte[] ResponseBody { get; init; }

    public required string MediaType { get; init; }

    /// <summary>JSON chunks in the stream (excluding <c>[DONE]</c>); 1 for a non-streamed response.</summary>
    public required int Chunks { get; init; }

    public required int ContentLength { get; init; }

    public required int ReasoningLength { get; init; }

    public required int TotalTokens { get; init; }

    /// <summary>The tool call's name, or null when the workload has none.</summary>
    public string? ToolName { get; init; }

    /// <summary>The decoded arguments string's length (clients that expose the raw string).</summary>
    public int ArgumentsLength { get; init; }

    /// <summary>Sum of key and string-value lengths of the arguments object (clients that only expose parsed arguments).</summary>
    public int ArgumentFieldChars { get; init; }

    /// <summary>Long history: the conversation every client sends.</summary>
    public AgentHistory? History { get; init; }

    public void Verify(in RunResult result, string client)
    {
        Check(result.ContentLength == ContentLength, client, "content length", ContentLength, result.ContentLength);
        Check(result.ReasoningLength == ReasoningLength, client, "reasoning length", ReasoningLength, result.ReasoningLength);
        Check(result.TotalTokens == TotalTokens, client, "total tokens", TotalTokens, result.TotalTokens);
        if (ToolName is null)
        {
            Check(result.ToolName is null, client, "tool calls", 0, 1);
        }
        else
        {
            Check(result.ToolName == ToolName, client, "tool name", ToolName.Length, result.ToolName?.Length ?? -1);
            var expected = result.ArgumentsAreParsed ? ArgumentFieldChars : ArgumentsLength;
            Check(result.ArgumentsLength == expected, client, result.ArgumentsAreParsed ? "argument field chars" : "arguments length", expected, result.ArgumentsLength);
        }

        if (History is not null)
        {
            var minimum = result.SentReasoning ? History.MinimumRequestBytes : History.MinimumRequestBytesWithoutReasoning;
            Check(result.RequestBytes >= minimum, client, "request bytes (at least)", minimum, result.RequestBytes);
        }
    }

    private void Check(bool ok, string client, string what, long expected, long actual)
    {
        if (!ok)
        {
            throw new InvalidOperationException($"{client} on {Name}: {what} expected {expected}, got {actual}.");
        }
    }

    public override string ToString() => Name;
}

namespace Kimi.Client.Benchmarks.Floor;

/// <summary>The floor's request model: exactly the fields it writes, nothing else.</summary>
public sealed record FloorMessage(string Role, string? Content, string? Reasoning = null, FloorToolCall[]? ToolCalls = null, string? ToolCallId = null);

/// <summary>A tool call in an assistant turn.</summary>
public sealed record FloorToolCall(string Id, string Name, string Arguments);

/// <summary>What the floor read: final strings, as every other client ends with.</summary>
public readonly record struct FloorResult(string Content, string? Reasoning, string? ToolName, string? Arguments, int TotalTokens);

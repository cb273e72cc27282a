namespace Kimi.Client.Testing;

/// <summary>A tool call the emulated model makes.</summary>
/// <param name="Name">The function name.</param>
/// <param name="Arguments">The arguments, as the JSON text the model writes (sent verbatim, even when it is not valid JSON).</param>
/// <param name="Id">
/// The tool-call id, or <see langword="null"/> for the dialect's own form: <c>{name}_{n}</c> on Moonshot,
/// <c>functions.{name}:{n}</c> elsewhere, where <c>n</c> counts the tool calls already in the conversation.
/// </param>
public sealed record EmulatorToolCall(string Name, string Arguments, string? Id = null);

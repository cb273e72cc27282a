namespace Kimi.Client.Orleans;

/// <summary>One message of a swarm's opening conversation on the wire: a role and its text.</summary>
[GenerateSerializer, Immutable]
internal sealed class MessageData
{
    // Enums from Kimi.Client travel as numbers: Orleans generates codecs only for its own attributed types.
    [Id(0)] public int Role { get; init; }
    [Id(1)] public required string Text { get; init; }
    [Id(2)] public string? Name { get; init; }

    /// <exception cref="ArgumentException">The message has parts other than text, tool calls, or a tool role.</exception>
    public static MessageData From(KimiMessage message, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(message, parameterName);
        if (message.Role is not (MessageRole.System or MessageRole.User or MessageRole.Assistant) || message.ToolCalls.Count > 0 ||
            message.Parts.Any(part => part is not TextPart))
        {
            throw new ArgumentException(
                $"A swarm run on Orleans starts from system, user and assistant text messages; a {message.Role} message with tool calls or non-text parts cannot be sent to the orchestrator grain. Put the task in text.",
                parameterName);
        }

        return new() { Role = (int)message.Role, Text = message.Text, Name = message.Name };
    }

    public KimiMessage ToMessage() => new((MessageRole)Role, Text) { Name = Name };
}

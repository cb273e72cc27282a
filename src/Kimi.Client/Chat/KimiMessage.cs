using System.Text;
using System.Text.Json;

namespace Kimi.Client;

/// <summary>A message in a conversation: system instructions, a user turn, an earlier assistant turn, or a tool result.</summary>
/// <remarks>
/// Messages are inputs and may be changed until they are passed to a call; do not change a message while a call that
/// uses it is in flight (a retry re-serializes it). Build assistant turns with <see cref="Assistant(ChatCompletion)"/>
/// so their reasoning and tool calls go back to the model, as Kimi requires.
/// </remarks>
public sealed class KimiMessage
{
    private List<MessagePart>? _parts;
    private List<ToolCall>? _toolCalls;

    /// <summary>Creates a message with the given role and, optionally, text.</summary>
    /// <param name="role">Who wrote it.</param>
    /// <param name="text">Its text, or <see langword="null"/> for none.</param>
    public KimiMessage(MessageRole role, string? text = null)
    {
        if (!Enum.IsDefined(role))
        {
            throw new ArgumentOutOfRangeException(nameof(role), role, "Use MessageRole.System, User, Assistant or Tool.");
        }

        Role = role;
        if (text is not null)
        {
            Parts.Add(new TextPart(text));
        }
    }

    /// <summary>Who wrote the message.</summary>
    public MessageRole Role { get; }

    /// <summary>The content: text, images and videos, in order.</summary>
    public IList<MessagePart> Parts => _parts ??= [];

    /// <summary>The text parts joined together (empty when there are none).</summary>
    public string Text
    {
        get
        {
            if (_parts is null or { Count: 0 })
            {
                return string.Empty;
            }

            if (_parts.Count == 1)
            {
                return (_parts[0] as TextPart)?.Text ?? string.Empty;
            }

            var sb = new StringBuilder();
            foreach (var part in _parts)
            {
                if (part is TextPart text)
                {
                    sb.Append(text.Text);
                }
            }

            return sb.ToString();
        }
    }

    /// <summary>For an assistant turn: the model's reasoning, sent back as the provider requires. <c>""</c> means the model reasoned emptily.</summary>
    public string? Reasoning { get; set; }

    /// <summary>Which dialect and model produced <see cref="Reasoning"/>; <see langword="null"/> when the caller wrote it.</summary>
    public ReasoningOrigin? ReasoningOrigin { get; set; }

    /// <summary>
    /// For an assistant turn: the structured reasoning items as the host sent them (OpenRouter's <c>reasoning_details</c>, a JSON
    /// array), sent back verbatim to the same host and model (<see cref="KimiProvider.ReasoningDetailsField"/>), never to another.
    /// </summary>
    public JsonElement? ReasoningDetails { get; set; }

    /// <summary>Whether a warning already said this turn's reasoning is not replayed to another host (warned once, not on every call).</summary>
    internal bool ForeignReasoningWarned { get; set; }

    /// <summary>For an assistant turn: the tool calls the model asked for.</summary>
    public IList<ToolCall> ToolCalls => _toolCalls ??= [];

    /// <summary>For a tool result: the id of the call it answers, exactly as the model sent it.</summary>
    public string? ToolCallId { get; set; }

    /// <summary>An optional participant name (for a tool result, the function's name).</summary>
    public string? Name { get; set; }

    /// <summary>
    /// Whether this is a prefill: a final assistant message the answer continues (Moonshot's partial mode, sent as
    /// <c>"partial": true</c>). Only the last message may be one, and only an assistant message; see <see cref="Prefill"/>.
    /// </summary>
    public bool IsPartial { get; set; }

    internal bool HasToolCalls => _toolCalls is { Count: > 0 };

    internal bool HasParts => _parts is { Count: > 0 };

    internal List<MessagePart>? PartsOrNull => _parts;

    internal List<ToolCall>? ToolCallsOrNull => _toolCalls;

    /// <summary>A system message.</summary>
    /// <param name="text">The instructions.</param>
    /// <returns>The message.</returns>
    public static KimiMessage System(string text) => new(MessageRole.System, text ?? throw new ArgumentNullException(nameof(text)));

    /// <summary>A user message with text.</summary>
    /// <param name="text">What the user says.</param>
    /// <returns>The message.</returns>
    public static KimiMessage User(string text) => new(MessageRole.User, text ?? throw new ArgumentNullException(nameof(text)));

    /// <summary>A user message with text, images and videos.</summary>
    /// <param name="parts">The parts, in order.</param>
    /// <returns>The message.</returns>
    public static KimiMessage User(params IEnumerable<MessagePart> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        var message = new KimiMessage(MessageRole.User);
        foreach (var part in parts)
        {
            message.Parts.Add(part ?? throw new ArgumentException("A message part is null.", nameof(parts)));
        }

        return message;
    }

    /// <summary>An assistant message with text only (for example a few-shot example you wrote).</summary>
    /// <param name="text">The assistant's answer.</param>
    /// <returns>The message.</returns>
    public static KimiMessage Assistant(string text) => new(MessageRole.Assistant, text ?? throw new ArgumentNullException(nameof(text)));

    /// <summary>
    /// A prefill: the start of the assistant's answer, which the model continues (Moonshot's partial mode). Put it last;
    /// the answer's <see cref="ChatCompletion.Text"/> is only the continuation (<see cref="ChatCompletion.FullText"/> joins them).
    /// </summary>
    /// <param name="text">The start of the answer, for example <c>{</c> for a JSON object.</param>
    /// <param name="name">A character name the model speaks as (role-play consistency), or <see langword="null"/>.</param>
    /// <returns>The message.</returns>
    public static KimiMessage Prefill(string text, string? name = null) =>
        new(MessageRole.Assistant, text ?? throw new ArgumentNullException(nameof(text))) { IsPartial = true, Name = name };

    /// <summary>The assistant turn of a completion, keeping its text, reasoning, tool calls and where the reasoning came from.</summary>
    /// <param name="completion">A completion returned by <see cref="KimiClient"/> (streamed and accumulated, or not).</param>
    /// <returns>The message to append to the history.</returns>
    public static KimiMessage Assistant(ChatCompletion completion)
    {
        ArgumentNullException.ThrowIfNull(completion);
        var text = completion.FullText; // a prefilled answer goes back whole: prefix and continuation
        var message = new KimiMessage(MessageRole.Assistant, text.Length > 0 ? text : null)
        {
            Reasoning = completion.Reasoning,
            ReasoningOrigin = completion.ReasoningOrigin,
            ReasoningDetails = completion.ReasoningDetails,
        };
        foreach (var call in completion.ToolCalls)
        {
            message.ToolCalls.Add(call);
        }

        return message;
    }

    /// <summary>A tool result answering one tool call.</summary>
    /// <param name="toolCallId">The <see cref="ToolCall.Id"/> it answers, verbatim.</param>
    /// <param name="content">The result, usually JSON text.</param>
    /// <returns>The message.</returns>
    public static KimiMessage Tool(string toolCallId, string content)
    {
        ArgumentNullException.ThrowIfNull(toolCallId);
        ArgumentNullException.ThrowIfNull(content);
        return new(MessageRole.Tool, content) { ToolCallId = toolCallId };
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Role}: {Text}";
}

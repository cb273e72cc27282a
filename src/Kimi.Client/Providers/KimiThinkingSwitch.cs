using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;

namespace Kimi.Client;

/// <summary>
/// How a host is told to think, not think, or keep every turn's reasoning: for each <see cref="ThinkingMode"/>, a JSON
/// object whose members are written at the top level of the request. The built-in switches cover every known host;
/// create one for a host that spells it differently.
/// </summary>
/// <remarks>
/// A member the caller also sets through <see cref="ChatCompletionOptions.AdditionalProperties"/> is not written twice:
/// the caller's value wins. Instances are immutable and thread-safe.
/// </remarks>
public sealed class KimiThinkingSwitch
{
    private readonly Field[] _enabled;
    private readonly Field[] _disabled;
    private readonly Field[]? _preserved;
    private readonly Field[] _unspecified;
    private readonly Field[]? _excluded;

    /// <summary>Creates a switch.</summary>
    /// <param name="name">A short name for messages and configuration (<c>ThinkingObject</c>).</param>
    /// <param name="enabled">The JSON object for thinking on, for example <c>{"thinking":{"type":"enabled"}}</c>; <c>{}</c> to send nothing.</param>
    /// <param name="disabled">The JSON object for thinking off.</param>
    /// <param name="preserved">The JSON object for preserved thinking, or <see langword="null"/> when the host has no such form.</param>
    /// <param name="unspecified">The JSON object sent when the caller did not choose (the host's default); <see langword="null"/> sends <paramref name="enabled"/>.</param>
    /// <param name="excluded">
    /// The JSON object for thinking on with the reasoning left out of the answer (<see cref="ChatCompletionOptions.ExcludeReasoning"/>),
    /// or <see langword="null"/> when the host has no such form.
    /// </param>
    /// <exception cref="ArgumentException">A value is not a JSON object.</exception>
    public KimiThinkingSwitch(string name, string enabled, string disabled, string? preserved, string? unspecified = null, string? excluded = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
        Enabled = enabled ?? throw new ArgumentNullException(nameof(enabled));
        Disabled = disabled ?? throw new ArgumentNullException(nameof(disabled));
        Preserved = preserved;
        Unspecified = unspecified ?? enabled;
        _enabled = Parse(enabled, nameof(enabled));
        _disabled = Parse(disabled, nameof(disabled));
        _preserved = preserved is null ? null : Parse(preserved, nameof(preserved));
        _unspecified = unspecified is null ? _enabled : Parse(unspecified, nameof(unspecified));
        Excluded = excluded;
        _excluded = excluded is null ? null : Parse(excluded, nameof(excluded));
    }

    // The built-in switches: their members given already split, so that type initialisation parses no JSON (a JsonDocument
    // per form cost the first call in a fresh process about 20 ms); ThinkingSwitchTests pins them to what Parse gives.
    private KimiThinkingSwitch(string name, string enabled, string disabled, string? preserved, Field[] enabledFields, Field[] disabledFields, Field[]? preservedFields,
        string? unspecified = null, Field[]? unspecifiedFields = null, string? excluded = null, Field[]? excludedFields = null)
    {
        Name = name;
        Enabled = enabled;
        Disabled = disabled;
        Preserved = preserved;
        Unspecified = unspecified ?? enabled;
        Excluded = excluded;
        _enabled = enabledFields;
        _disabled = disabledFields;
        _preserved = preservedFields;
        _unspecified = unspecifiedFields ?? enabledFields;
        _excluded = excludedFields;
    }

    /// <summary>Moonshot's object: <c>"thinking":{"type":"enabled"|"disabled"}</c>, preserved with <c>"keep":"all"</c>.</summary>
    public static KimiThinkingSwitch ThinkingObject { get; } = new(
        nameof(ThinkingObject), """{"thinking":{"type":"enabled"}}""", """{"thinking":{"type":"disabled"}}""", """{"thinking":{"type":"enabled","keep":"all"}}""",
        [new("thinking", """{"type":"enabled"}"""u8.ToArray())], [new("thinking", """{"type":"disabled"}"""u8.ToArray())], [new("thinking", """{"type":"enabled","keep":"all"}"""u8.ToArray())]);

    /// <summary>The chat-template form of vLLM, SGLang and NVIDIA: <c>"chat_template_kwargs":{"thinking":bool}</c>, preserved with <c>"preserve_thinking":true</c>. Never <c>enable_thinking</c> (it leaks Kimi's reasoning into the content).</summary>
    public static KimiThinkingSwitch ChatTemplateKwargs { get; } = new(
        nameof(ChatTemplateKwargs), """{"chat_template_kwargs":{"thinking":true}}""", """{"chat_template_kwargs":{"thinking":false}}""",
        """{"chat_template_kwargs":{"thinking":true,"preserve_thinking":true}}""",
        [new("chat_template_kwargs", """{"thinking":true}"""u8.ToArray())], [new("chat_template_kwargs", """{"thinking":false}"""u8.ToArray())],
        [new("chat_template_kwargs", """{"thinking":true,"preserve_thinking":true}"""u8.ToArray())]);

    /// <summary>The chat-template form that only speaks to turn thinking off (Cloudflare Workers AI: nothing is sent for on).</summary>
    public static KimiThinkingSwitch ChatTemplateKwargsOffOnly { get; } = new(
        nameof(ChatTemplateKwargsOffOnly), "{}", """{"chat_template_kwargs":{"thinking":false}}""", """{"chat_template_kwargs":{"thinking":true,"preserve_thinking":true}}""",
        [], [new("chat_template_kwargs", """{"thinking":false}"""u8.ToArray())], [new("chat_template_kwargs", """{"thinking":true,"preserve_thinking":true}"""u8.ToArray())]);

    /// <summary>
    /// <see cref="ChatTemplateKwargsOffOnly"/> that also sends the generic <c>enable_thinking</c> key when turning thinking off
    /// (<c>{"thinking":false,"enable_thinking":false}</c>): for Cloudflare Workers AI, whose current schema lists only
    /// <c>enable_thinking</c> while its K2.6 documentation says <c>thinking</c>. Opt in by deriving the host with this switch.
    /// </summary>
    public static KimiThinkingSwitch ChatTemplateKwargsOffWithEnableThinking { get; } = new(
        nameof(ChatTemplateKwargsOffWithEnableThinking), "{}", """{"chat_template_kwargs":{"thinking":false,"enable_thinking":false}}""",
        """{"chat_template_kwargs":{"thinking":true,"preserve_thinking":true}}""",
        [], [new("chat_template_kwargs", """{"thinking":false,"enable_thinking":false}"""u8.ToArray())],
        [new("chat_template_kwargs", """{"thinking":true,"preserve_thinking":true}"""u8.ToArray())]);

    /// <summary>The generic <c>"reasoning_effort":"none"</c> to turn thinking off, nothing to keep it on, no preserve form (DeepInfra, Ollama).</summary>
    public static KimiThinkingSwitch ReasoningEffort { get; } = new(
        nameof(ReasoningEffort), "{}", """{"reasoning_effort":"none"}""", null, [], [new("reasoning_effort", "\"none\""u8.ToArray())], null);

    /// <summary>
    /// OpenRouter's unified <c>reasoning</c> object, on/off only as Kimi K2.6 takes it: <c>"reasoning":{"enabled":true}</c> for on,
    /// <c>"reasoning":{"effort":"none"}</c> for off, nothing when the caller did not choose (the upstream's default: on), and
    /// <c>{"enabled":true,"exclude":true}</c> to leave the reasoning out of the answer. No preserve form; never an effort level or budget.
    /// </summary>
    public static KimiThinkingSwitch ReasoningObject { get; } = new(
        nameof(ReasoningObject), """{"reasoning":{"enabled":true}}""", """{"reasoning":{"effort":"none"}}""", null,
        [new("reasoning", """{"enabled":true}"""u8.ToArray())], [new("reasoning", """{"effort":"none"}"""u8.ToArray())], null,
        unspecified: "{}", unspecifiedFields: [],
        excluded: """{"reasoning":{"enabled":true,"exclude":true}}""", excludedFields: [new("reasoning", """{"enabled":true,"exclude":true}"""u8.ToArray())]);

    /// <summary>Every built-in switch, by <see cref="Name"/>.</summary>
    public static IReadOnlyList<KimiThinkingSwitch> BuiltIn => field ??= [ThinkingObject, ChatTemplateKwargs, ChatTemplateKwargsOffOnly, ChatTemplateKwargsOffWithEnableThinking, ReasoningEffort, ReasoningObject];

    /// <summary>The switch's name.</summary>
    public string Name { get; }

    /// <summary>The JSON object written for <see cref="ThinkingMode.Enabled"/>.</summary>
    public string Enabled { get; }

    /// <summary>The JSON object written for <see cref="ThinkingMode.Disabled"/>.</summary>
    public string Disabled { get; }

    /// <summary>The JSON object written for <see cref="ThinkingMode.Preserved"/>, or <see langword="null"/> when the host has no preserve form.</summary>
    public string? Preserved { get; }

    /// <summary>The JSON object written when the caller did not choose a mode.</summary>
    public string Unspecified { get; }

    /// <summary>The JSON object written for thinking on with the reasoning left out of the answer, or <see langword="null"/> when the host has no such form.</summary>
    public string? Excluded { get; }

    /// <summary>Finds a built-in switch by name, case-insensitively.</summary>
    /// <param name="name">A name such as <c>ChatTemplateKwargs</c>.</param>
    /// <param name="thinkingSwitch">The switch, when found.</param>
    /// <returns>Whether a built-in switch has that name.</returns>
    public static bool TryGetBuiltIn(string? name, [NotNullWhen(true)] out KimiThinkingSwitch? thinkingSwitch)
    {
        thinkingSwitch = BuiltIn.FirstOrDefault(s => string.Equals(s.Name, name?.Trim(), StringComparison.OrdinalIgnoreCase));
        return thinkingSwitch is not null;
    }

    /// <inheritdoc/>
    public override string ToString() => Name;

    /// <summary>The top-level members for a mode; <see langword="null"/> when the switch has no form for it (preserved).</summary>
    internal Field[]? FieldsFor(ThinkingMode? mode, bool excludeReasoning = false) => excludeReasoning && mode != ThinkingMode.Disabled ? _excluded : mode switch
    {
        null => _unspecified,
        ThinkingMode.Disabled => _disabled,
        ThinkingMode.Preserved => _preserved,
        _ => _enabled,
    };

    private static Field[] Parse(string json, string parameter)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new ArgumentException($"The thinking switch's {parameter} form must be a JSON object such as {{\"thinking\":{{\"type\":\"enabled\"}}}}; got '{json}'.", parameter);
            }

            return [.. document.RootElement.EnumerateObject().Select(static p => new Field(p.Name, Encoding.UTF8.GetBytes(p.Value.GetRawText())))];
        }
        catch (JsonException ex)
        {
            throw new ArgumentException($"The thinking switch's {parameter} form is not valid JSON ({ex.Message}).", parameter, ex);
        }
    }

    /// <summary>One top-level member: its name and its value's raw JSON, written as is.</summary>
    internal readonly struct Field(string name, byte[] rawValue)
    {
        public string Name { get; } = name;

        public byte[] RawValue { get; } = rawValue;

        /// <summary><see cref="Name"/> encoded once for the request body: every request with thinking writes it.</summary>
        public JsonEncodedText EncodedName { get; } = JsonEncodedText.Encode(name, Serialization.ChatRequestWriter.WriterOptions.Encoder);
    }
}

using System.Text.Json;

namespace Kimi.Client;

// Request-shaping rules of hosts that accept fields silently without acting on them (Ollama), or whose behaviour is
// unconfirmed (Cloudflare Workers AI): message shapes, tool choice, replayed tool arguments, effort levels, sessions and
// model ids.
public partial record KimiProvider
{
    /// <summary>How an assistant message that only calls tools writes its <c>content</c>. Default: <see cref="KimiToolCallContent.Omitted"/>.</summary>
    public KimiToolCallContent ToolCallOnlyContent { get; init; }

    /// <summary>
    /// Whether assistant reasoning is written back on every assistant turn, not only on tool-call turns (Ollama hands it to
    /// the model as native thinking on each turn). Default: <see langword="false"/> (plain turns carry it only with preserved thinking).
    /// </summary>
    public bool WritesReasoningOnEveryTurn { get; init; }

    /// <summary>
    /// Whether the host ignores <c>tool_choice</c> (Ollama: not a request field). A forced choice is then refused before
    /// sending unless <see cref="KimiClientOptions.AllowIgnoredToolChoice"/> is set (then it is left out, with a warning), and
    /// <see cref="ToolChoice.None"/> is honoured by not sending the tools.
    /// </summary>
    public bool IgnoresToolChoice { get; init; }

    /// <summary>
    /// Whether a forced <c>tool_choice</c> (required or named) while thinking is documented to work. When <see langword="false"/>
    /// (Cloudflare Workers AI) such a call needs <see cref="KimiClientOptions.AllowUnconfirmedForcedToolChoice"/>. Default: <see langword="true"/>.
    /// </summary>
    public bool ForcedToolChoiceWhileThinkingConfirmed { get; init; } = true;

    /// <summary>
    /// Whether every replayed tool call's <c>arguments</c> must be a JSON object (Ollama answers 400 <c>invalid tool call arguments</c>
    /// otherwise, <c>""</c> included): one that is not is sent as <c>{}</c>, with a warning.
    /// </summary>
    public bool RequiresJsonToolArguments { get; init; }

    /// <summary>
    /// The request header that carries <see cref="ChatCompletionOptions.SessionId"/> (Cloudflare: <c>x-session-affinity</c>, which
    /// routes a conversation to the replica holding its prompt cache), or <see langword="null"/>.
    /// </summary>
    public string? SessionIdHeader { get; init; }

    /// <summary>The top-level body field that carries <see cref="ChatCompletionOptions.SessionId"/>, or <see langword="null"/>.</summary>
    public string? SessionIdField { get; init; }

    /// <summary>
    /// The top-level field that carries <see cref="ChatCompletionOptions.ReasoningEffort"/> (<c>reasoning_effort</c>), or
    /// <see langword="null"/> when the host takes no effort levels (a level is then refused before sending).
    /// </summary>
    public string? ReasoningEffortField { get; init; }

    /// <summary>Whether effort levels are documented to change Kimi K2.6's thinking here; when not, they need <see cref="KimiClientOptions.AllowUnconfirmedReasoningEffort"/>.</summary>
    public bool ReasoningEffortConfirmed { get; init; }

    /// <summary>
    /// A prefix every model id must start with (Cloudflare: <c>@cf/</c>): an id without it is refused before sending, with the
    /// prefixed id suggested. <see langword="null"/> for none.
    /// </summary>
    public string? RequiredModelPrefix { get; init; }

    /// <summary>
    /// Model-id suffixes removed before sending (Ollama Cloud: <c>:cloud</c> and <c>-cloud</c> name a cloud model on the local
    /// daemon, and ollama.com answers 404 for them).
    /// </summary>
    public IReadOnlyList<string> StrippedModelSuffixes { get; init; } = [];

    /// <summary>Model ids that still work but deserve a warning (retired, aliased, repriced), with the warning to log.</summary>
    // FrozenDictionary.Empty, not a static field here: the built-in hosts are constructed by static initializers in other parts of this record.
    public IReadOnlyDictionary<string, string> ModelWarnings { get; init; } = System.Collections.Frozen.FrozenDictionary<string, string>.Empty;

    /// <summary>
    /// Checks a model id against the host's rules (<see cref="RequiredModelPrefix"/>, <see cref="StrippedModelSuffixes"/>,
    /// <see cref="ModelWarnings"/>) and returns the id to send. Called once, when a client is built.
    /// </summary>
    /// <param name="model">The configured model id.</param>
    /// <param name="warning">Something to log about the id, or <see langword="null"/>.</param>
    /// <returns>The id to send.</returns>
    /// <exception cref="ArgumentException">The host does not serve the id as written; the message suggests the right one.</exception>
    protected internal virtual string ResolveModel(string model, out string? warning)
    {
        ArgumentNullException.ThrowIfNull(model);
        warning = null;
        var resolved = model.Trim();
        foreach (var suffix in StrippedModelSuffixes ?? [])
        {
            if (resolved.Length > suffix.Length && resolved.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                resolved = resolved[..^suffix.Length]; // kimi-k2.6:cloud → kimi-k2.6, kimi-k2:1t-cloud → kimi-k2:1t
                break;
            }
        }

        if (RequiredModelPrefix is { Length: > 0 } prefix && !resolved.StartsWith(prefix, StringComparison.Ordinal))
        {
            // "moonshotai/kimi-k2.6" → "@cf/moonshotai/kimi-k2.6"; "kimi-k2.6" → the namespace of the host's own id, "@cf/moonshotai/kimi-k2.6".
            var slash = Model.LastIndexOf('/');
            var space = Model.StartsWith(prefix, StringComparison.Ordinal) && slash >= prefix.Length ? Model[prefix.Length..(slash + 1)] : string.Empty;
            var suggestion = prefix + (resolved.Contains('/', StringComparison.Ordinal) ? resolved : space + resolved);
            throw new ArgumentException(
                $"{DisplayName} model ids start with '{prefix}': '{model}' is not served there. Use '{suggestion}' (Kimi K2.6 is '{Model}'), or remove the Model setting.",
                nameof(model));
        }

        if (ModelWarnings?.TryGetValue(resolved, out var text) == true)
        {
            warning = text;
        }

        return resolved;
    }

    /// <summary>Whether a replayed tool call's arguments are a single JSON object (what <see cref="RequiresJsonToolArguments"/> hosts parse).</summary>
    internal static bool IsJsonObject(string arguments)
    {
        if (arguments.Length == 0)
        {
            return false;
        }

        try
        {
            var reader = new Utf8JsonReader(System.Text.Encoding.UTF8.GetBytes(arguments));
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            reader.Skip();
            return !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
    }
}

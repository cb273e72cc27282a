using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace Kimi.Client;

/// <summary>Settings for one call. Unset values fall back to <see cref="KimiClientOptions"/> and then to the provider's defaults.</summary>
public sealed class ChatCompletionOptions
{
    private IList<string>? _stop;
    private IList<AIFunctionDeclaration>? _tools;
    private IDictionary<string, JsonNode?>? _additional;

    /// <summary>Thinking on, off or preserved for this call; overrides <see cref="KimiClientOptions.Thinking"/>.</summary>
    public ThinkingMode? Thinking { get; set; }

    /// <summary>The output-token cap, reasoning included. Written as the provider's field (<c>max_completion_tokens</c> or <c>max_tokens</c>).</summary>
    public int? MaxOutputTokens { get; set; }

    /// <summary>Sampling temperature. Moonshot pins it for Kimi K2.6: there it is omitted with a warning.</summary>
    public float? Temperature { get; set; }

    /// <summary>Nucleus sampling. Moonshot pins it to 0.95: there it is omitted with a warning.</summary>
    public float? TopP { get; set; }

    /// <summary>Presence penalty. Moonshot pins it to 0: there it is omitted with a warning.</summary>
    public float? PresencePenalty { get; set; }

    /// <summary>Frequency penalty. Moonshot pins it to 0: there it is omitted with a warning.</summary>
    public float? FrequencyPenalty { get; set; }

    /// <summary>Stop sequences.</summary>
    public IList<string> StopSequences => _stop ??= [];

    /// <summary>A seed for more repeatable sampling, where the provider supports it.</summary>
    public long? Seed { get; set; }

    /// <summary>The answer's shape (<c>json_object</c> or <c>json_schema</c>).</summary>
    public ResponseFormat? ResponseFormat { get; set; }

    /// <summary>Functions the model may call (Microsoft.Extensions.AI <see cref="AIFunction"/>s or declarations).</summary>
    public IList<AIFunctionDeclaration> Tools => _tools ??= [];

    /// <summary>Whether and which tools the model must call.</summary>
    public ToolChoice? ToolChoice { get; set; }

    /// <summary>
    /// Declares Moonshot's built-in <c>$web_search</c> tool (hosts with <see cref="KimiProvider.HasWebSearchTool"/>; refused
    /// before sending elsewhere). The model then asks for searches as tool calls named <c>$web_search</c>; answer each with
    /// <see cref="KimiWebSearch.Answer"/> (the search runs on Moonshot's side), or let <see cref="Agents.KimiAgent"/> do it
    /// (<see cref="Agents.KimiAgentOptions.WebSearch"/>). Thinking is turned off for such calls, with a warning. Experimental:
    /// Moonshot says the feature is being reworked.
    /// </summary>
    public bool WebSearch { get; set; }

    /// <summary>
    /// The start of the answer, which the model continues (Moonshot's partial mode, on hosts with
    /// <see cref="KimiProvider.HasPartialMode"/>): sent as a final <c>{"role":"assistant","content":…,"partial":true}</c>
    /// message. The answer's <see cref="ChatCompletion.Text"/> is only the continuation; <see cref="ChatCompletion.FullText"/>
    /// joins them. Thinking is off for such calls unless asked for (then a warning: unconfirmed on Kimi K2.6). Not with
    /// <see cref="ResponseFormat"/>.
    /// </summary>
    public string? Prefill { get; set; }

    /// <summary>
    /// How hard the model should think, on hosts that take effort levels (<see cref="KimiProvider.ReasoningEffortField"/>);
    /// refused before sending elsewhere, and where the effect on Kimi K2.6 is unconfirmed unless
    /// <see cref="KimiClientOptions.AllowUnconfirmedReasoningEffort"/> is set. Not a way to turn thinking off: use <see cref="Thinking"/>.
    /// </summary>
    public KimiReasoningEffort? ReasoningEffort { get; set; }

    /// <summary>
    /// An id shared by every call of one conversation, so the host can route them to the replica that holds its prompt cache
    /// (Cloudflare's <c>x-session-affinity</c>; see <see cref="KimiProvider.SessionIdHeader"/> and <see cref="KimiProvider.SessionIdField"/>).
    /// Use one stable id per conversation, not per call; hosts without sessions ignore it. Never invented by the library.
    /// </summary>
    public string? SessionId { get; set; }

    /// <summary>
    /// An id for the end user the call is made for, so the host can isolate abuse per user (OpenRouter's <c>user</c>, hashed
    /// before it goes upstream; see <see cref="KimiProvider.EndUserIdField"/>). Not a routing key; hosts that take none do not get it.
    /// </summary>
    public string? EndUserId { get; set; }

    /// <summary>
    /// Asks the host to think but leave the reasoning out of the answer (OpenRouter's <c>reasoning.exclude</c>; hosts whose thinking
    /// switch has no such form refuse it). Refused with tools: a tool-call turn must be sent back with its reasoning, and none would
    /// come back. To only hide reasoning from your users, keep it on and do not show <see cref="ChatCompletion.Reasoning"/>.
    /// </summary>
    public bool? ExcludeReasoning { get; set; }

    /// <summary>
    /// Extra top-level JSON fields for provider features this library does not model (for example
    /// <c>prompt_cache_key</c>). They are merged at the top level of the request; a field named here replaces the
    /// library's own field of the same name. An <c>extra_body</c> object is flattened into the top level, never sent as is.
    /// </summary>
    public IDictionary<string, JsonNode?> AdditionalProperties => _additional ??= new Dictionary<string, JsonNode?>(StringComparer.Ordinal);

    /// <summary>Set by <see cref="AI.KimiChatClient"/>: Microsoft.Extensions.AI's telemetry middleware owns the gen_ai.* span and metrics.</summary>
    internal bool InstrumentedByCaller { get; set; }

    internal IList<string>? StopSequencesOrNull => _stop;

    internal IList<AIFunctionDeclaration>? ToolsOrNull => _tools;

    internal IDictionary<string, JsonNode?>? AdditionalPropertiesOrNull => _additional;
}

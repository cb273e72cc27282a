using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Kimi.Client.Diagnostics;
using Kimi.Client.Http;
using Microsoft.Extensions.Logging;

namespace Kimi.Client;

#pragma warning disable CA2208 // Argument exceptions name the public method's parameters (messages, options), validated here.

/// <summary>
/// A validated call, with every provider decision already made (thinking shape, token field, pinned sampling,
/// which reasoning goes back on which message). Created once per call; serialized again for every attempt.
/// </summary>
internal sealed partial class ChatRequest
{
    // Moonshot's "minimum value the API accepts" for a lost reasoning (conformance 2–3).
    internal const string ReasoningPlaceholder = " ";

    private ChatRequest(ClientSettings settings, KimiMessage[] messages, ChatCompletionOptions? options, bool stream)
    {
        Settings = settings;
        Messages = messages;
        Options = options;
        Stream = stream;
    }

    public ClientSettings Settings { get; }

    public KimiProvider Profile => Settings.Profile;

    public KimiMessage[] Messages { get; }

    public ChatCompletionOptions? Options { get; }

    public bool Stream { get; }

    /// <summary>Whether only <c>model</c> and <c>messages</c> are written (a token count, which takes nothing else).</summary>
    public bool MessagesOnly { get; set; }

    /// <summary>The thinking mode to write, or <see langword="null"/> for the host's default (thinking, for Kimi K2.6).</summary>
    public ThinkingMode? Thinking { get; private set; }

    public int? MaxOutputTokens { get; private set; }

    public float? Temperature { get; private set; }

    public float? TopP { get; private set; }

    public float? PresencePenalty { get; private set; }

    public float? FrequencyPenalty { get; private set; }

    /// <summary>Per message: the reasoning text to write, or <see langword="null"/> to write none; made when a message has some.</summary>
    public string?[]? ReasoningToSend { get; private set; }

    /// <summary>Per message, whether <see cref="ReasoningToSend"/> is the placeholder for a lost reasoning; <see langword="null"/> when none is.</summary>
    public bool[]? Placeholders { get; private set; }

    /// <summary>Per message, the stored reasoning details to write verbatim (<see cref="KimiProvider.ReasoningDetailsField"/>); <see langword="null"/> when none are.</summary>
    public JsonElement?[]? ReasoningDetailsToSend { get; private set; }

    /// <summary>Whether the thinking switch's form that leaves reasoning out of the answer is written (<see cref="ChatCompletionOptions.ExcludeReasoning"/>).</summary>
    public bool ExcludesReasoning { get; private set; }

    /// <summary>The end user's id to write in <see cref="KimiProvider.EndUserIdField"/>, or <see langword="null"/>.</summary>
    public string? EndUserId { get; private set; }

    /// <summary>Whether <c>tools</c> is written (not on hosts that ignore tool_choice when the caller asked for none).</summary>
    public bool SendsTools { get; private set; } = true;

    /// <summary>Whether <c>tool_choice</c> is written (not on hosts that ignore it).</summary>
    public bool SendsToolChoice { get; private set; } = true;

    /// <summary>The effort level to write in <see cref="KimiProvider.ReasoningEffortField"/>, or <see langword="null"/>.</summary>
    public string? ReasoningEffort { get; private set; }

    /// <summary>The conversation's session id (<see cref="ChatCompletionOptions.SessionId"/>), checked, or <see langword="null"/>.</summary>
    public string? SessionId { get; private set; }

    /// <summary>Replayed tool calls whose arguments are sent as <c>{}</c> (hosts that parse them; see <see cref="KimiProvider.RequiresJsonToolArguments"/>).</summary>
    public HashSet<ToolCall>? InvalidToolArguments { get; private set; }

    public IDictionary<string, JsonNode?>? Extras { get; private set; }

    /// <summary>http(s) media to download and inline before sending (Moonshot with Media.InlineHttpUrls), or <see langword="null"/>.</summary>
    public List<MediaPart>? MediaToDownload { get; private set; }

    /// <summary>Per message, whether it holds images or videos (written by <c>MediaMessageWriter</c>); <see langword="null"/> when none does.</summary>
    public bool[]? MediaMessages { get; private set; }

    /// <summary>The inline parts that replace <see cref="MediaToDownload"/> on the wire, once downloaded.</summary>
    public Dictionary<MediaPart, MediaPart>? InlinedMedia { get; set; }

    public static ChatRequest Create(ClientSettings settings, IEnumerable<KimiMessage> messages, ChatCompletionOptions? options, bool stream, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var snapshot = messages as KimiMessage[] ?? messages.ToArray();
        if (snapshot.Length == 0)
        {
            throw new ArgumentException("The conversation is empty: pass at least one message, for example KimiMessage.User(\"Hello\").", nameof(messages));
        }

        snapshot = ToolMediaPlacement.Apply(snapshot, settings.Profile, settings.Options.Media, logger); // tool-result images, per provider
        snapshot = WithPrefill(snapshot, options);
        var request = new ChatRequest(settings, snapshot, options, stream);
        request.ValidateMessages();
        request.ValidatePartialMode();
        request.MediaToDownload = MediaValidator.Check(snapshot, request.Profile, settings.Options.Media, out var mediaMessages);
        request.MediaMessages = mediaMessages;
        request.ResolveThinking(logger);
        request.ResolvePlatformFeatures(logger);
        request.ResolveTokensAndSampling(logger);
        request.ValidateTools();
        request.ValidateStops();
        request.ResolveHostRules(logger);
        request.PlanReasoning(logger);
        request.Extras = FlattenExtras(options?.AdditionalPropertiesOrNull);
        request.DropPinnedSamplingExtras(logger);
        return request;
    }

    private void ValidateMessages()
    {
        for (var i = 0; i < Messages.Length; i++)
        {
            var message = Messages[i] ?? throw new ArgumentException($"Message {i} is null.", "messages");
            if (message.Role == MessageRole.Tool && string.IsNullOrEmpty(message.ToolCallId))
            {
                throw new ArgumentException($"Message {i} is a tool result without ToolCallId: create it with KimiMessage.Tool(call.Id, result).", "messages");
            }

            if (message.Role != MessageRole.Assistant && message.HasToolCalls)
            {
                throw new ArgumentException($"Message {i} is a {message.Role} message with tool calls; only assistant messages carry tool calls.", "messages");
            }

            if (message.Role == MessageRole.User && (message.PartsOrNull is null or { Count: 0 } || message.PartsOrNull.TrueForAll(static p => p is TextPart { Text.Length: 0 })))
            {
                throw new ArgumentException($"Message {i} is a user message with no text, image or video; hosts reject empty user turns. Remove it, or give it content.", "messages");
            }

            if (message.Role != MessageRole.User && message.PartsOrNull?.Exists(static p => p is MediaPart) == true)
            {
                throw new ArgumentException($"Message {i} is a {message.Role} message with an image or video; media parts go in user messages.", "messages");
            }
        }
    }

    private void ResolveThinking(ILogger logger)
    {
        var thinking = Options?.Thinking ?? Settings.Options.Thinking; // null: the host's default (Kimi K2.6 thinks)
        if (thinking is { } mode && !Enum.IsDefined(mode))
        {
            throw new ArgumentOutOfRangeException("options", thinking, "Thinking must be Enabled, Disabled or Preserved.");
        }

        if (thinking == ThinkingMode.Preserved)
        {
            if (!Profile.PreserveThinkingConfirmed && !Settings.Options.AllowUnconfirmedPreserveThinking)
            {
                throw new NotSupportedException(
                    $"Preserved thinking is not confirmed to work on {Profile.DisplayName}. Use ThinkingMode.Enabled, or set " +
                    "KimiClientOptions.AllowUnconfirmedPreserveThinking = true to send it anyway.");
            }

            if (Profile.PreserveThinkingRejectedModels.Contains(Settings.Model, StringComparer.OrdinalIgnoreCase))
            {
                throw new NotSupportedException(
                    $"{Profile.DisplayName} rejects preserved thinking on {Settings.Model}. Use ThinkingMode.Enabled, or a model that supports it " +
                    $"(for example {Profile.Model}).");
            }

            if (Profile.ThinkingSwitch.Preserved is null)
            {
                throw new NotSupportedException(
                    $"{Profile.DisplayName}'s thinking switch ({Profile.ThinkingSwitch.Name}) has no preserve form. Use ThinkingMode.Enabled, or describe the " +
                    "host with a switch that has one (for example 'KimiProvider.DeepInfra with { ThinkingSwitch = KimiThinkingSwitch.ChatTemplateKwargs }').");
            }
        }

        var choice = Options?.ToolChoice;
        var forcedWhileThinking = thinking != ThinkingMode.Disabled && choice is { IsForced: true } && !Profile.IgnoresToolChoice;
        var unconfirmed = !Profile.ForcedToolChoiceWhileThinkingConfirmed && !Settings.Options.AllowUnconfirmedForcedToolChoice;
        if (forcedWhileThinking && (Profile.RejectsForcedToolChoiceWhileThinking || unconfirmed))
        {
            if (!Settings.Options.DisableThinkingForForcedToolChoice)
            {
                throw new NotSupportedException(Profile.RejectsForcedToolChoiceWhileThinking
                    ? $"{Profile.DisplayName} rejects tool_choice '{choice}' while thinking is on. Either turn thinking off for this call " +
                      "(ChatCompletionOptions.Thinking = ThinkingMode.Disabled, or KimiClientOptions.DisableThinkingForForcedToolChoice = true " +
                      "to do it automatically), or use ToolChoice.Auto."
                    : $"Whether {Profile.DisplayName} honours tool_choice '{choice}' while thinking is on is unconfirmed. Set " +
                      "KimiClientOptions.AllowUnconfirmedForcedToolChoice = true to send it anyway (and check that the call happened), turn thinking off " +
                      "for this call (ChatCompletionOptions.Thinking = ThinkingMode.Disabled, or KimiClientOptions.DisableThinkingForForcedToolChoice = true), " +
                      "or use ToolChoice.Auto.");
            }

            KimiLog.ThinkingDisabledForForcedToolChoice(logger, Profile.DisplayName, choice!.ToString());
            thinking = ThinkingMode.Disabled;
        }

        Thinking = thinking;
        if (Options?.ExcludeReasoning == true && thinking != ThinkingMode.Disabled)
        {
            if (Profile.ThinkingSwitch.Excluded is null)
            {
                throw new NotSupportedException(
                    $"{Profile.DisplayName}'s thinking switch ({Profile.ThinkingSwitch.Name}) cannot leave the reasoning out of the answer. Remove " +
                    "ChatCompletionOptions.ExcludeReasoning; to keep reasoning from your users, do not show ChatCompletion.Reasoning.");
            }

            if (Options.ToolsOrNull is { Count: > 0 })
            {
                throw new ArgumentException(
                    "ChatCompletionOptions.ExcludeReasoning cannot be combined with tools while thinking is on: the model still reasons, nothing comes back " +
                    "to send with the next tool-call turn, and a Moonshot upstream then rejects that turn (400). Remove ExcludeReasoning (and do not show " +
                    "ChatCompletion.Reasoning if it must stay hidden), or turn thinking off for this call.", "options");
            }

            ExcludesReasoning = true;
        }
    }

    private void ResolveTokensAndSampling(ILogger logger)
    {
        var max = Options?.MaxOutputTokens ?? Settings.Options.MaxOutputTokens ?? Profile.DefaultMaxOutputTokens;
        if (max is <= 0)
        {
            throw new ArgumentOutOfRangeException("options", max, "MaxOutputTokens must be positive (it caps reasoning plus answer); remove it to use the provider's default.");
        }

        if (max is { } value && Profile.MaxOutputTokensLimit is { } limit && value > limit)
        {
            if (Profile.MaxOutputTokensLimitIsHard)
            {
                throw new ArgumentOutOfRangeException("options", value, $"{Profile.DisplayName} accepts MaxOutputTokens from 1 to {limit}; {value} was requested. Lower it to {limit} or less.");
            }

            KimiLog.MaxOutputTokensAboveSoftLimit(logger, Profile.DisplayName, limit, value);
        }

        MaxOutputTokens = max;

        CheckRange(Options?.Temperature, 0, 2, nameof(ChatCompletionOptions.Temperature));
        CheckRange(Options?.TopP, 0, 1, nameof(ChatCompletionOptions.TopP));
        CheckRange(Options?.PresencePenalty, -2, 2, nameof(ChatCompletionOptions.PresencePenalty));
        CheckRange(Options?.FrequencyPenalty, -2, 2, nameof(ChatCompletionOptions.FrequencyPenalty));

        if (Profile.SamplingIsPinned)
        {
            Omit(logger, "temperature", Options?.Temperature);
            Omit(logger, "top_p", Options?.TopP);
            Omit(logger, "presence_penalty", Options?.PresencePenalty);
            Omit(logger, "frequency_penalty", Options?.FrequencyPenalty);
            return;
        }

        Temperature = Options?.Temperature;
        TopP = Options?.TopP;
        PresencePenalty = Options?.PresencePenalty;
        FrequencyPenalty = Options?.FrequencyPenalty;
        if (Profile.SendsRecommendedSampling && Settings.Options.UseRecommendedSampling && Temperature is null && TopP is null)
        {
            // Kimi K2.6's model card: 1.0 / 0.95 thinking, 0.6 / 0.95 instant.
            Temperature = Thinking == ThinkingMode.Disabled ? 0.6f : 1.0f;
            TopP = 0.95f;
        }
    }

    /// <summary>Pinned sampling cannot come back in through AdditionalProperties either (conformance 8).</summary>
    private void DropPinnedSamplingExtras(ILogger logger)
    {
        if (!Profile.SamplingIsPinned || Extras is not { } extras)
        {
            return;
        }

        foreach (var parameter in PinnedSamplingFields)
        {
            if (extras.Remove(parameter))
            {
                KimiLog.PinnedSamplingExtraOmitted(logger, Profile.DisplayName, parameter);
            }
        }
    }

    private static readonly string[] PinnedSamplingFields = ["temperature", "top_p", "n", "presence_penalty", "frequency_penalty"];

    private void Omit(ILogger logger, string parameter, float? value)
    {
        if (value is { } v)
        {
            KimiLog.PinnedSamplingOmitted(logger, Profile.DisplayName, parameter, v);
        }
    }

    private static void CheckRange(float? value, float min, float max, string name)
    {
        if (value is { } v && (float.IsNaN(v) || v < min || v > max))
        {
            throw new ArgumentOutOfRangeException("options", v, $"ChatCompletionOptions.{name} must be between {min} and {max}.");
        }
    }

    private static bool IsValidToolName(string? name)
    {
        if (name is not { Length: > 0 and <= 64 })
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.'))
            {
                return false;
            }
        }

        return true;
    }

    private void ValidateStops()
    {
        if (Options?.StopSequencesOrNull is { Count: > 0 } stops)
        {
            for (var i = 0; i < stops.Count; i++)
            {
                if (string.IsNullOrEmpty(stops[i]))
                {
                    throw new ArgumentException($"ChatCompletionOptions.StopSequences[{i}] is {(stops[i] is null ? "null" : "empty")}; remove it (an empty stop sequence stops nothing, and hosts reject it).", "options");
                }
            }
        }
    }

    private void ValidateTools()
    {
        var tools = Options?.ToolsOrNull;
        HashSet<string>? names = null;
        if (tools is { Count: > 0 })
        {
            names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var tool in tools)
            {
                if (tool is null)
                {
                    throw new ArgumentException("ChatCompletionOptions.Tools contains null.", "options");
                }

                if (!IsValidToolName(tool.Name))
                {
                    throw new ArgumentException(
                        $"Tool name '{tool.Name}' cannot be sent: names are 1 to 64 characters of ASCII letters, digits, '_', '-' and '.' " +
                        "(hosts reject others, often with a confusing error). Rename the tool.", "options");
                }

                if (!names.Add(tool.Name))
                {
                    throw new ArgumentException($"Two tools are named '{tool.Name}'; tool names must be unique.", "options");
                }

                _ = Serialization.ToolSchemaNormalizer.GetSchema(tool, Profile.RequiresTypedToolSchemaProperties); // throws before sending if unexpressible
            }
        }

        if (Options?.ToolChoice is { IsForced: true } choice)
        {
            if (names is null)
            {
                throw new ArgumentException($"tool_choice '{choice}' forces a tool call but ChatCompletionOptions.Tools is empty: add the tools, or use ToolChoice.Auto.", "options");
            }

            if (choice.FunctionName is { } name && !names.Contains(name))
            {
                throw new ArgumentException($"tool_choice names '{name}', which is not among ChatCompletionOptions.Tools ({string.Join(", ", names)}).", "options");
            }
        }
    }

    /// <summary>Rules of hosts that ignore fields (tool_choice), parse replayed arguments, take effort levels or sessions.</summary>
    private void ResolveHostRules(ILogger logger)
    {
        var choice = Options?.ToolChoice;
        if (Profile.IgnoresToolChoice && choice is not null)
        {
            SendsToolChoice = false; // never sent: the host drops it silently
            if (choice.IsForced)
            {
                if (!Settings.Options.AllowIgnoredToolChoice)
                {
                    throw new NotSupportedException(
                        $"{Profile.DisplayName} ignores tool_choice, so '{choice}' cannot be enforced and the model may answer without calling a tool. " +
                        "Use ToolChoice.Auto and check that the call happened, or set KimiClientOptions.AllowIgnoredToolChoice = true to send the call " +
                        "without tool_choice (a warning is logged).");
                }

                KimiLog.ToolChoiceIgnored(logger, Profile.DisplayName, choice.ToString());
            }
            else if (choice.Mode == "none")
            {
                SendsTools = false; // the only way to keep the model from calling them
            }
        }

        if (Options?.ReasoningEffort is { } effort)
        {
            if (effort.Value.Length == 0)
            {
                throw new ArgumentException("ChatCompletionOptions.ReasoningEffort is empty: use KimiReasoningEffort.Low, Medium, High or new KimiReasoningEffort(\"…\").", "options");
            }

            if (Profile.ReasoningEffortField is null && Profile.DropsReasoningEffort)
            {
                KimiLog.ReasoningEffortNotSent(logger, Profile.DisplayName, Settings.Model, effort.Value); // on/off only: never sent
            }
            else if (Profile.ReasoningEffortField is not { } field)
            {
                throw new NotSupportedException(
                    $"{Profile.DisplayName} takes no reasoning effort level for Kimi K2.6 (thinking is on or off: ChatCompletionOptions.Thinking). " +
                    $"Remove ReasoningEffort, or use a host that takes one ({KimiProvider.BuiltInWhere(static p => p.ReasoningEffortField is not null)}).");
            }

            else if (Thinking == ThinkingMode.Disabled)
            {
                throw new ArgumentException($"ReasoningEffort '{effort}' was set with thinking off; remove one of them (thinking off is ThinkingMode.Disabled).", "options");
            }
            else if (!Profile.ReasoningEffortConfirmed && !Settings.Options.AllowUnconfirmedReasoningEffort)
            {
                throw new NotSupportedException(
                    $"{Profile.DisplayName} accepts {Profile.ReasoningEffortField} '{effort}', but whether it changes Kimi K2.6's thinking is unconfirmed (catalogs list only on/off). " +
                    "Set KimiClientOptions.AllowUnconfirmedReasoningEffort = true to send it anyway, or remove ReasoningEffort.");
            }
            else
            {
                ReasoningEffort = effort.Value;
            }
        }

        if (Options?.SessionId is { } session)
        {
            if (string.IsNullOrWhiteSpace(session) || session.Any(static c => c is < '!' or > '~'))
            {
                throw new ArgumentException(
                    "ChatCompletionOptions.SessionId must be printable ASCII without spaces (it may travel as an HTTP header), for example a GUID per conversation.", "options");
            }

            if (Profile.MaxSessionIdLength is { } longest && session.Length > longest)
            {
                throw new ArgumentException(
                    $"ChatCompletionOptions.SessionId is {session.Length} characters; {Profile.DisplayName} takes at most {longest}. Use a shorter id per conversation, such as a GUID.", "options");
            }

            SessionId = session;
        }

        if (Options?.EndUserId is { } user)
        {
            if (string.IsNullOrWhiteSpace(user))
            {
                throw new ArgumentException("ChatCompletionOptions.EndUserId is blank; set an id per end user, or leave it unset.", "options");
            }

            EndUserId = Profile.EndUserIdField is null ? null : user; // hosts without the field do not get it
        }

        if (!Profile.RequiresJsonToolArguments)
        {
            return;
        }

        for (var i = 0; i < Messages.Length; i++)
        {
            foreach (var call in Messages[i].ToolCallsOrNull ?? [])
            {
                if (!KimiProvider.IsJsonObject(call.Arguments))
                {
                    (InvalidToolArguments ??= []).Add(call);
                    KimiLog.ToolArgumentsReplaced(logger, i, call.Id, Profile.DisplayName);
                }
            }
        }
    }

    private void PlanReasoning(ILogger logger)
    {
        if (Thinking == ThinkingMode.Disabled)
        {
            return;
        }

        var preserve = Thinking == ThinkingMode.Preserved || Profile.WritesReasoningOnEveryTurn;
        var model = Settings.Model;
        List<int>? dropped = null;
        ReasoningOrigin? firstDropped = null;
        for (var i = 0; i < Messages.Length; i++)
        {
            var message = Messages[i];
            if (message.Role != MessageRole.Assistant)
            {
                continue;
            }

            var toolTurn = message.HasToolCalls;
            if (!toolTurn && !preserve)
            {
                continue; // without preserve, providers ignore the reasoning of plain turns: save the bytes
            }

            var reasoning = message.Reasoning;
            var details = Profile.ReasoningDetailsField is null ? null : message.ReasoningDetails; // other hosts reject them
            string? reason = reasoning is null ? string.Empty : reasoning.Length == 0 ? " (it was empty)" : null;
            if ((reasoning is { Length: > 0 } || details is not null) && message.ReasoningOrigin is { } from && !Profile.AcceptsReasoningFrom(from, model))
            {
                if (!message.ForeignReasoningWarned)
                {
                    message.ForeignReasoningWarned = true; // one warning per dropped turn across the calls of a run, not one per call
                    (dropped ??= []).Add(i);
                    firstDropped ??= from;
                }

                reasoning = null;
                details = null;
                reason = $" (its reasoning came from {from.Dialect}/{from.Model})";
            }

            if (details is not null)
            {
                var detailsToSend = ReasoningDetailsToSend ??= new JsonElement?[Messages.Length]; // (x ??= new T[n])[i] = … crashes the net8 trim analyzer
                detailsToSend[i] = details; // verbatim, as the host asks
            }

            if (reasoning is { Length: > 0 })
            {
                var toSend = ReasoningToSend ??= new string?[Messages.Length];
                toSend[i] = reasoning;
            }
            else if (details is null && toolTurn && Profile.RequiresReasoningOnToolCallTurns)
            {
                KimiLog.ReasoningPlaceholderSent(logger, i, reason ?? string.Empty, Profile.DisplayName);
                var toSend = ReasoningToSend ??= new string?[Messages.Length];
                toSend[i] = ReasoningPlaceholder;
                var placeholders = Placeholders ??= new bool[Messages.Length];
                placeholders[i] = true;
            }
        }

        if (dropped is not null)
        {
            KimiLog.ForeignReasoningDropped(logger, dropped.Count, string.Join(", ", dropped), firstDropped!.Dialect, firstDropped.Model, Profile.Dialect, model);
        }
    }

    private static Dictionary<string, JsonNode?>? FlattenExtras(IDictionary<string, JsonNode?>? extras)
    {
        if (extras is null or { Count: 0 })
        {
            return null;
        }

        var result = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        foreach (var (key, value) in extras)
        {
            if (key == "extra_body")
            {
                // An OpenAI-SDK habit: its members belong at the top level (vLLM ignores a literal extra_body).
                if (value is not JsonObject body)
                {
                    throw new ArgumentException("AdditionalProperties[\"extra_body\"] must be a JSON object; its members are sent at the top level.", "options");
                }

                foreach (var (innerKey, innerValue) in body)
                {
                    result[innerKey] = innerValue;
                }

                continue;
            }

            result[key] = value;
        }

        foreach (var (key, value) in result)
        {
            if (key is "model" or "messages" or "stream")
            {
                throw new ArgumentException($"AdditionalProperties cannot set '{key}': use KimiClientOptions.Model, the messages argument, or StreamAsync instead.", "options");
            }

            // The JSON writer would refuse it mid-request with an error that names no field: say which one, before sending.
            if (NonFinite(value) is { } number)
            {
                throw new ArgumentException(
                    $"AdditionalProperties[\"{key}\"] holds {number}, which JSON has no number for: set a finite number (or leave the field out).", "options");
            }
        }

        return result;
    }

    /// <summary>The first NaN or infinity anywhere in <paramref name="node"/>, as text; <see langword="null"/> when there is none.</summary>
    private static string? NonFinite(JsonNode? node) => node switch
    {
        JsonValue value when value.TryGetValue(out double d) && !double.IsFinite(d) => d.ToString(CultureInfo.InvariantCulture),
        JsonValue value when value.TryGetValue(out float f) && !float.IsFinite(f) => f.ToString(CultureInfo.InvariantCulture),
        JsonObject obj => obj.Select(static member => NonFinite(member.Value)).FirstOrDefault(static found => found is not null),
        JsonArray array => array.Select(NonFinite).FirstOrDefault(static found => found is not null),
        _ => null,
    };
}

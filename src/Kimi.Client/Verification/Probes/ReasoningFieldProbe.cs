using System.Text.Json;

namespace Kimi.Client.Verification.Probes;

/// <summary>
/// P2: which field carries reasoning, read from the wire (P1's thinking-on body and one stream): Kimi's
/// <c>reasoning_content</c> passes; another name the profile reads is Info; a name outside the profile, reasoning inline before
/// <c>&lt;/think&gt;</c>, or the same text under both names are this probe's to report.
/// </summary>
internal sealed class ReasoningFieldProbe : Probe
{
    private static readonly string[] Fields = ["reasoning_content", "reasoning"];

    public override string Id => "P2";

    public override string Name => "Reasoning field";

    public override async Task RunAsync(ProbeContext context, CheckBuilder check, CancellationToken cancellationToken)
    {
        var expected = context.Profile.ReasoningWriteFields;
        check.Expected = $"reasoning in {string.Join(" or ", expected)}" + (context.Profile.InlineReasoning ? " (inline before </think> is split by the profile)" : string.Empty);
        if (context.Facts.ThinkingOn is not { Succeeded: true } || !context.Facts.Thought)
        {
            check.Skip("no reasoning to classify (P1)");
            return;
        }

        var stream = await context.StreamAsync(check, context.Client, Ask(ThinkingSwitchProbe.Prompt), new ChatCompletionOptions { MaxOutputTokens = 512 }, cancellationToken).ConfigureAwait(false);
        context.Facts.ThinkingStream = stream;
        if (!stream.Succeeded)
        {
            check.Error("stream: " + stream.Describe());
        }

        var names = new SortedSet<string>(StringComparer.Ordinal);
        var duplicated = false;
        foreach (var exchange in context.Facts.ThinkingOn.Exchanges.Concat(stream.Exchanges).Where(static e => e.IsChat && (int)e.Status < 300))
        {
            foreach (var json in SseTranscript.Json(exchange))
            {
                foreach (var message in Messages(json))
                {
                    var present = Fields.Where(f => message.TryGetProperty(f, out var v) && v.ValueKind == JsonValueKind.String && v.GetString()!.Trim().Length > 0).ToArray();
                    names.UnionWith(present);
                    duplicated |= present.Length == 2 && message.GetProperty(Fields[0]).GetString() == message.GetProperty(Fields[1]).GetString();
                }
            }
        }

        context.Facts.ReasoningFields.AddRange(names);
        var onText = context.Facts.ThinkingOn.Completion!.Text + (stream.Completion?.Text ?? string.Empty);
        if (names.Count == 0 && (onText.Contains("</think>", StringComparison.Ordinal) || context.Profile.InlineReasoning))
        {
            context.Facts.InlineReasoning = true;
            if (context.Profile.InlineReasoning)
            {
                check.Info("reasoning.inline-tags", "reasoning inline in content before </think>; the profile splits it out (InlineReasoning)");
            }
            else
            {
                check.Deviation("reasoning.inline-tags", "reasoning inline in content before </think>, reasoning fields empty (a server without --reasoning-parser kimi_k2)");
                check.Evidence("content: " + context.Facts.ThinkingOn.Completion.Text);
            }

            return;
        }

        foreach (var name in names)
        {
            if (!expected.Contains(name, StringComparer.Ordinal))
            {
                check.Deviation("reasoning.field-unexpected", $"reasoning under '{name}', which the profile does not expect");
            }
            else if (name == Fields[0])
            {
                check.Pass($"reasoning under '{name}'");
            }
            else
            {
                check.Info("reasoning.field-name", $"reasoning under '{name}', a documented name of this host that the profile reads");
            }
        }

        if (duplicated)
        {
            check.Info("reasoning.duplicated", "the same text under both names in one message; the SDK keeps one copy");
        }

        check.Evidence("fields seen: " + string.Join(", ", names));
    }

    /// <summary>The message (whole body) or delta (stream chunk) objects of a response.</summary>
    private static IEnumerable<JsonElement> Messages(JsonElement json)
    {
        if (json.ValueKind != JsonValueKind.Object || !json.TryGetProperty("choices", out var choices) || choices.ValueKind != JsonValueKind.Array)
        {
            yield break;
        }

        foreach (var choice in choices.EnumerateArray())
        {
            if (choice.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            if (choice.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.Object)
            {
                yield return message;
            }

            if (choice.TryGetProperty("delta", out var delta) && delta.ValueKind == JsonValueKind.Object)
            {
                yield return delta;
            }
        }
    }
}

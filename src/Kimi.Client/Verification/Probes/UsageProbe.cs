using System.Text;
using System.Text.Json;

namespace Kimi.Client.Verification.Probes;

/// <summary>
/// P7: (a) a stream reports usage somewhere, and its prompt tokens match the same request answered whole (KVV's
/// <c>[x, x+3]</c>); (b) of two identical requests with a long fixed prefix, the second reports cached tokens where the
/// profile says the host caches (Moonshot). Where usage sits is only described: the SDK reads every placement.
/// </summary>
internal sealed class UsageProbe : Probe
{
    // About 1,500 tokens of fixed text, the same on every run so a host's prefix cache can hit.
    private static readonly string CachePrefix = BuildPrefix();

    public override string Id => "P7";

    public override string Name => "Usage placement and cached tokens";

    public override async Task RunAsync(ProbeContext context, CheckBuilder check, CancellationToken cancellationToken)
    {
        check.Expected = "usage in the stream, stream prompt_tokens within [x, x+3] of the whole answer's" +
                         (context.Profile.ReportsCachedTokens ? "; the repeated request reports cached tokens" : "; cached tokens if the host reports them");

        var stream = context.Facts.ThinkingStream;
        if (stream is not { Succeeded: true })
        {
            // P2 sent none (no reasoning to classify) or its stream failed (P2's error, not this probe's): take one of our own.
            stream = await context.StreamAsync(check, context.Client, Ask(ThinkingSwitchProbe.Prompt), new ChatCompletionOptions { MaxOutputTokens = 512 }, cancellationToken).ConfigureAwait(false);
        }

        if (!stream.Succeeded)
        {
            check.Error("stream: " + stream.Describe());
        }
        else if (stream.Completion!.Usage is not { } streamed)
        {
            check.Deviation("usage.missing", "no usage anywhere in the stream (sent with stream_options.include_usage)");
        }
        else
        {
            check.Pass($"stream usage {streamed.InputTokens}/{streamed.OutputTokens} ({Placement(stream)})");
            if (context.Facts.ThinkingOn is { Succeeded: true, Completion.Usage: { } whole })
            {
                if (streamed.InputTokens < whole.InputTokens || streamed.InputTokens > whole.InputTokens + 3)
                {
                    check.Deviation("usage.prompt-tokens", $"stream prompt_tokens {streamed.InputTokens}, whole answer {whole.InputTokens} (more than 3 apart)");
                }
            }
        }

        KimiMessage[] repeated = [KimiMessage.System(CachePrefix), KimiMessage.User(SamplingProbe.Prompt)];
        var options = new ChatCompletionOptions { Thinking = context.Off, MaxOutputTokens = 8 };
        var first = await context.CompleteAsync(check, context.Client, repeated, options, cancellationToken).ConfigureAwait(false);
        var second = await context.CompleteAsync(check, context.Client, repeated, options, cancellationToken).ConfigureAwait(false);
        if (!first.Succeeded || !second.Succeeded)
        {
            check.Error("cache: " + (first.Succeeded ? second : first).Describe());
            return;
        }

        if (second.Completion!.Usage is not { } usage)
        {
            check.Info("cache.unknown", "the repeated request carried no usage");
        }
        else if (usage.CachedInputTokens is > 0)
        {
            check.Pass($"repeated request: {usage.CachedInputTokens} of {usage.InputTokens} prompt tokens cached");
        }
        else if (context.Profile.ReportsCachedTokens)
        {
            check.Deviation("cache.none", $"the repeated request reports no cached tokens ({usage.InputTokens} prompt tokens)");
        }
        else
        {
            check.Info("cache.none", "no cached tokens reported (a server setting on this host)");
        }
    }

    /// <summary>Where the stream carried usage: inside the choice, at the top level of a chunk with choices, or in a trailing chunk without.</summary>
    private static string Placement(ProbeOutcome stream)
    {
        var places = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var exchange in stream.Exchanges.Where(static e => e.IsEventStream))
        {
            foreach (var chunk in SseTranscript.Json(exchange))
            {
                if (chunk.ValueKind != JsonValueKind.Object)
                {
                    continue;
                }

                var choices = chunk.TryGetProperty("choices", out var c) && c.ValueKind == JsonValueKind.Array ? c : default;
                if (chunk.TryGetProperty("usage", out var top) && top.ValueKind == JsonValueKind.Object)
                {
                    places.Add(choices.ValueKind == JsonValueKind.Array && choices.GetArrayLength() > 0 ? "top-level on a chunk with choices" : "a trailing chunk without choices");
                }

                if (choices.ValueKind == JsonValueKind.Array && choices.EnumerateArray().Any(static ch => ch.ValueKind == JsonValueKind.Object && ch.TryGetProperty("usage", out var u) && u.ValueKind == JsonValueKind.Object))
                {
                    places.Add("inside the choice");
                }
            }
        }

        return places.Count == 0 ? "placement not seen" : string.Join(" and ", places);
    }

    private static string BuildPrefix()
    {
        var text = new StringBuilder("You are the cache probe of kimi verify. The following reference text is fixed so that a prompt cache can hold it.\n");
        for (var i = 1; i <= 60; i++)
        {
            text.Append("Reference line ").Append(i).Append(": the quick brown fox jumps over the lazy dog while the probe counts tokens and waits for a cached prefix.\n");
        }

        return text.ToString();
    }
}

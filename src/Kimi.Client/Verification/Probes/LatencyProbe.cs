using System.Globalization;

namespace Kimi.Client.Verification.Probes;

/// <summary>
/// P12: time to the first answer token and output tokens per second of a thinking-off stream (and time to the first reasoning
/// token from P2's stream). Measured only: neither Moonshot nor KVV publishes a bar, unless the caller sets one.
/// </summary>
internal sealed class LatencyProbe : Probe
{
    public const string Prompt = "Count from 1 to 60, separated by spaces.";

    public override string Id => "P12";

    public override string Name => "Latency";

    public override async Task RunAsync(ProbeContext context, CheckBuilder check, CancellationToken cancellationToken)
    {
        var options = context.Options;
        check.Expected = options.MinTokensPerSecond is null && options.MaxTimeToFirstToken is null
            ? "measured only (no published bar)"
            : $"{(options.MaxTimeToFirstToken is { } max ? $"first token within {max.TotalMilliseconds:0} ms" : string.Empty)}{(options.MinTokensPerSecond is { } min ? $" at least {min} tokens/s" : string.Empty)}".Trim();
        var stream = await context.StreamAsync(check, context.Client, Ask(Prompt), new ChatCompletionOptions { Thinking = context.Off, MaxOutputTokens = 256 }, cancellationToken).ConfigureAwait(false);
        if (!stream.Succeeded)
        {
            check.Error(stream.Describe());
            return;
        }

        if (context.Facts.ThinkingStream?.FirstReasoning is { } reasoning)
        {
            check.Metric("reasoning_ttft_ms", reasoning.TotalMilliseconds);
        }

        if (stream.FirstContent is not { } ttft)
        {
            check.Info("latency.unmeasured", "no answer text arrived");
            return;
        }

        check.Metric("ttft_ms", ttft.TotalMilliseconds);
        var observed = $"first token after {ttft.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture)} ms";
        double? tps = null;
        if (stream.Completion!.Usage is { OutputTokens: > 0 } usage && stream.LastDelta - stream.FirstDelta is { TotalSeconds: > 0 } span)
        {
            tps = usage.OutputTokens / span.TotalSeconds;
            check.Metric("tokens_per_second", tps.Value);
            observed += $", {tps.Value.ToString("0.#", CultureInfo.InvariantCulture)} tokens/s";
        }

        var deviated = false;
        if (options.MaxTimeToFirstToken is { } limit && ttft > limit)
        {
            check.Deviation("latency.ttft", $"{observed}: over {limit.TotalMilliseconds:0} ms");
            deviated = true;
        }

        if (options.MinTokensPerSecond is { } floor && tps is { } measured && measured < floor)
        {
            check.Deviation("latency.tps", $"{observed}: under {floor} tokens/s");
            deviated = true;
        }

        if (!deviated)
        {
            check.Pass(observed);
        }
    }
}

namespace Kimi.Client.Verification.Probes;

/// <summary>P8: every stream read so far ended with <c>data: [DONE]</c> and nothing after it. Streams that ended in an error are not judged.</summary>
internal sealed class StreamTerminationProbe : Probe
{
    public override string Id => "P8";

    public override string Name => "Stream termination";

    public override Task RunAsync(ProbeContext context, CheckBuilder check, CancellationToken cancellationToken)
    {
        check.Expected = "each stream ends with data: [DONE], nothing after it";
        var judged = context.Facts.Streams.Where(static s => !s.Errored && !s.Exchange.Truncated && (int)s.Exchange.Status < 300).ToList();
        if (judged.Count == 0)
        {
            check.Skip("no complete stream to observe");
            return Task.CompletedTask;
        }

        var transcripts = judged.Select(static s => SseTranscript.Parse(s.Exchange.Body)).ToList();
        var missing = transcripts.Count(static t => !t.HasDone);
        var extra = transcripts.Count(static t => t.ExtraAfterDone);
        if (missing > 0)
        {
            check.Deviation("stream.no-done", $"{missing} of {transcripts.Count} stream(s) closed without [DONE] (the SDK flags such results incomplete)");
        }

        if (extra > 0)
        {
            check.Deviation("stream.extra-after-done", $"{extra} of {transcripts.Count} stream(s) sent events after [DONE]");
        }

        if (missing == 0 && extra == 0)
        {
            check.Pass($"{transcripts.Count} stream(s) ended with [DONE]");
        }

        return Task.CompletedTask;
    }
}

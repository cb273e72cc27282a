namespace Kimi.Client.Verification.Probes;

/// <summary>P11: responses carry one of the profile's request-id headers; only a host documented to always send one deviates without it.</summary>
internal sealed class RequestIdProbe : Probe
{
    public override string Id => "P11";

    public override string Name => "Request-id header";

    public override Task RunAsync(ProbeContext context, CheckBuilder check, CancellationToken cancellationToken)
    {
        var headers = context.Profile.RequestIdHeaders;
        check.Expected = headers.Count == 0 ? "no request-id header documented" : $"{string.Join(" or ", headers)} on {(context.Profile.RequestIdAlwaysSent ? "every" : "some")} response";
        var answered = context.Tap.All.Where(static e => e.IsChat && (int)e.Status < 300).ToList();
        if (answered.Count == 0)
        {
            check.Skip("no successful chat response to observe");
            return Task.CompletedTask;
        }

        if (headers.Count == 0)
        {
            check.Info("requestid.none", "this host documents no request-id header");
            return Task.CompletedTask;
        }

        var carrying = answered.Count(e => headers.Any(e.HasHeader));
        var seen = headers.Where(h => answered.Any(e => e.HasHeader(h))).ToArray();
        if (carrying == answered.Count)
        {
            check.Pass($"{string.Join(", ", seen)} on all {answered.Count} responses");
        }
        else if (context.Profile.RequestIdAlwaysSent)
        {
            check.Deviation("requestid.missing", $"{answered.Count - carrying} of {answered.Count} responses lack {string.Join(" and ", headers)}");
        }
        else if (carrying > 0)
        {
            check.Pass($"{string.Join(", ", seen)} on {carrying} of {answered.Count} responses");
        }
        else
        {
            check.Info("requestid.missing", $"no {string.Join(" or ", headers)} header (optional on this host)");
        }

        return Task.CompletedTask;
    }
}

namespace Kimi.Client.Verification;

/// <summary>
/// Turns what the probes observed into a host description (<see cref="KimiHostOptions"/>, the <c>Kimi:Hosts</c> shape): the
/// profile the host was probed as, with each setting the run saw differently. Only observed facts are written.
/// </summary>
internal static class HostSuggestion
{
    public static KimiHostOptions From(ProbeContext context)
    {
        var profile = context.Profile;
        var facts = context.Facts;
        var basedOn = KimiProvider.TryGetBuiltIn(profile.Name, out _) ? profile.Name
            : KimiProvider.BuiltIn.FirstOrDefault(p => p.Dialect == profile.Dialect)?.Name ?? KimiProvider.Vllm.Name;
        var host = new KimiHostOptions
        {
            BasedOn = basedOn,
            Endpoint = Uri.TryCreate(context.Endpoint, UriKind.Absolute, out var endpoint) ? endpoint : null, // credentials in the URL are not written
            Model = context.Model,
            ApiKeyVariable = profile.ApiKeyVariable,
            ContextWindow = facts.ContextLength,
            SamplingIsPinned = facts.SamplingPinned,
            RequiresReasoningOnToolCallTurns = facts.RoundTripEnforced,
        };

        if (facts.ReasoningFields.Count > 0)
        {
            host.ReasoningWriteFields = [.. facts.ReasoningFields.OrderBy(static f => f == "reasoning_content" ? 0 : 1)];
        }

        if (facts.InlineReasoning || facts.RawToolMarkers)
        {
            host.InlineReasoning = true; // the splitter also recovers tool sections written as text
            host.RecoverToolCallsFromText = facts.RawToolMarkers ? true : null;
        }

        var seen = profile.RequestIdHeaders.Where(h => context.Tap.All.Any(e => e.HasHeader(h))).ToArray();
        if (seen.Length > 0)
        {
            host.RequestIdHeaders = seen;
        }

        return host;
    }
}

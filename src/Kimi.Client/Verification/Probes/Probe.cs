namespace Kimi.Client.Verification.Probes;

/// <summary>One probe of verifier.md, Part 2: its calls, its expectations from the profile, and the deviation codes it owns.</summary>
internal abstract class Probe
{
    /// <summary>The probe's number (<c>P0</c>).</summary>
    public abstract string Id { get; }

    /// <summary>What it checks.</summary>
    public abstract string Name { get; }

    public abstract Task RunAsync(ProbeContext context, CheckBuilder check, CancellationToken cancellationToken);

    /// <summary>Every probe, in the order they run (later ones use what earlier ones learned).</summary>
    public static IReadOnlyList<Probe> All { get; } =
    [
        new ModelListedProbe(), new ThinkingSwitchProbe(), new ReasoningFieldProbe(), new ReasoningRoundTripProbe(), new ToolCallProbe(),
        new ToolCallIdProbe(), new SamplingProbe(), new UsageProbe(), new StreamTerminationProbe(), new MediaProbe(), new ErrorShapeProbe(),
        new RequestIdProbe(), new LatencyProbe(),
    ];

    protected static KimiMessage[] Ask(string prompt) => [KimiMessage.User(prompt)];
}

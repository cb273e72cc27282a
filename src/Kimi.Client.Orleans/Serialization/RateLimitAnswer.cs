namespace Kimi.Client.Orleans;

/// <summary>The rate-limit grain's answer to one ask.</summary>
[GenerateSerializer, Immutable]
internal sealed class RateLimitAnswer
{
    public static readonly RateLimitAnswer Queued = new() { Kind = RateLimitAnswerKind.Queued };

    [Id(0)] public RateLimitAnswerKind Kind { get; init; }

    /// <summary>Granted: how long the caller must wait before sending (the budgets went into debt). Refused: the wait it would have needed.</summary>
    [Id(1)] public TimeSpan Wait { get; init; }
}

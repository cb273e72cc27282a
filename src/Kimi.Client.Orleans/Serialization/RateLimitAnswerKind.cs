namespace Kimi.Client.Orleans;

/// <summary>What the rate-limit grain answered.</summary>
[GenerateSerializer]
internal enum RateLimitAnswerKind
{
    /// <summary>The call may be sent (after <see cref="RateLimitAnswer.Wait"/>); the operation id is its lease.</summary>
    Granted = 0,

    /// <summary>Every concurrency slot is taken (or earlier callers wait for one): ask again shortly, with the same operation id.</summary>
    Queued = 1,

    /// <summary>The per-minute budgets would make the call wait longer than it may: do not send it.</summary>
    Refused = 2,
}

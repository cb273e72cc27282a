using Kimi.Client.Agents;

namespace Kimi.Client.Orleans;

/// <summary>
/// How a sub-agent grain stops when its swarm is stopped: at once when no model call is in flight (a tool in progress is
/// cancelled), else as soon as the call in flight has been answered and its usage settled with the ledger — the host bills an
/// answered call, so it is charged, and the run stops before it starts a tool or another call. The ledger's answer to that
/// settlement counts as the stop too (it is closed before the cancellation reaches the grains).
/// </summary>
/// <remarks>The run's budget account, which sees each model call begin and end. The swarm's token fires on any thread.</remarks>
internal sealed class SubAgentStop : IKimiAgentBudgetAccount, IDisposable
{
    private readonly object _lock = new();
    private readonly GrainSwarmBudget _budget;
    private readonly string _accountId;
    private readonly CancellationTokenSource _stop = new();
    private readonly CancellationTokenRegistration _registration;
    private bool _requested;
    private bool _inFlight;

    public SubAgentStop(GrainSwarmBudget budget, string accountId, CancellationToken swarmStopped)
    {
        _budget = budget;
        _accountId = accountId;
        _registration = swarmStopped.Register(static s => ((SubAgentStop)s!).Request(), this);
    }

    /// <summary>The run's token: cancelled once the swarm is stopped and no model call is in flight.</summary>
    public CancellationToken Token => _stop.Token;

    /// <summary>The swarm was stopped (the run's end is a cancellation, whatever the agent reported).</summary>
    public bool Requested
    {
        get
        {
            lock (_lock)
            {
                return _requested;
            }
        }
    }

    public TimeSpan? RemainingWallTime => _budget.RemainingWallTime;

    public async ValueTask<KimiAgentBudgetGrant> BeginCallAsync(long estimatedInputTokens, int maxOutputTokens, CancellationToken cancellationToken)
    {
        var grant = await _budget.BeginCallAsync(_accountId, estimatedInputTokens, maxOutputTokens, cancellationToken).ConfigureAwait(false);
        lock (_lock)
        {
            if (grant.StopReason is null)
            {
                _inFlight = true;
            }
        }

        return grant;
    }

    public async ValueTask EndCallAsync(TokenUsage? usage, CancellationToken cancellationToken)
    {
        var closed = false;
        try
        {
            closed = await _budget.EndCallAndCheckAsync(_accountId, usage, cancellationToken).ConfigureAwait(false); // taken even when closed
        }
        finally
        {
            bool cancel;
            lock (_lock)
            {
                _inFlight = false;
                _requested |= closed;
                cancel = _requested;
            }

            if (cancel)
            {
                _stop.Cancel(); // before the answer's tools start
            }
        }
    }

    public void Dispose()
    {
        _registration.Dispose();
        _stop.Dispose();
    }

    private void Request()
    {
        bool cancel;
        lock (_lock)
        {
            _requested = true;
            cancel = !_inFlight;
        }

        if (cancel)
        {
            _stop.Cancel();
        }
    }
}

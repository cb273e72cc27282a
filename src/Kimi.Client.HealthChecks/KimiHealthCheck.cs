using Kimi.Client.Verification;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Kimi.Client.HealthChecks;

/// <summary>
/// Reports whether a <see cref="KimiClient"/>'s host still serves its model: the verifier's probe P0 (<c>GET {base}/models</c>,
/// no tokens spent). Listed → Healthy; not listed, a bad key or an unreachable host → the registration's failure status.
/// A host without a model list cannot be checked this way and reports Healthy with that said in the description.
/// </summary>
/// <param name="client">The client whose host and model to check.</param>
public sealed class KimiHealthCheck(KimiClient client) : IHealthCheck
{
    /// <inheritdoc/>
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var check = await KimiVerifier.CheckModelListedAsync(client, cancellationToken).ConfigureAwait(false);
        var data = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["provider"] = client.Provider.Name,
            ["model"] = client.Model,
            ["verdict"] = KimiVerificationReport.Name(check.Verdict),
            ["observed"] = check.Observed,
        };
        if (check.Codes.Count > 0)
        {
            data["codes"] = string.Join(",", check.Codes);
        }

        var description = $"{client.Provider.DisplayName} ({client.Model}): {check.Observed}";
        return check.Verdict switch
        {
            KimiVerdict.Pass or KimiVerdict.Info => HealthCheckResult.Healthy(description, data),
            KimiVerdict.Skipped => HealthCheckResult.Healthy($"{client.Provider.DisplayName} ({client.Model}): not checked, {check.Observed}", data),
            _ => new HealthCheckResult(context.Registration.FailureStatus, description, data: data),
        };
    }
}

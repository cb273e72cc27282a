using Kimi.Client.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers <see cref="KimiHealthCheck"/> for a client added with <c>AddKimiClient</c>.</summary>
public static class KimiHealthChecksBuilderExtensions
{
    /// <summary>
    /// Adds a health check that asks the host whether it still lists the client's model (no tokens spent). Map it with
    /// <c>app.MapHealthChecks("/healthz")</c>.
    /// </summary>
    /// <param name="builder">The health checks builder (<c>services.AddHealthChecks()</c>).</param>
    /// <param name="name">The check's name. Default: <c>kimi</c>.</param>
    /// <param name="serviceKey">The key of a keyed client (<c>AddKimiClient("backup", …)</c>), or <see langword="null"/> for the default one.</param>
    /// <param name="failureStatus">The status when the model is not listed or the host fails. Default: <see cref="HealthStatus.Unhealthy"/>.</param>
    /// <param name="tags">Tags to filter checks by.</param>
    /// <param name="timeout">How long the check may take; default: the health check service's own.</param>
    /// <returns>The builder, for chaining.</returns>
    public static IHealthChecksBuilder AddKimi(this IHealthChecksBuilder builder, string name = "kimi", string? serviceKey = null,
        HealthStatus? failureStatus = null, IEnumerable<string>? tags = null, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return builder.Add(new HealthCheckRegistration(
            name,
            services => new KimiHealthCheck(serviceKey is null ? services.GetRequiredService<Kimi.Client.KimiClient>() : services.GetRequiredKeyedService<Kimi.Client.KimiClient>(serviceKey)),
            failureStatus,
            tags,
            timeout));
    }
}

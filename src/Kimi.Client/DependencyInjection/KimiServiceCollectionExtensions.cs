using Kimi.Client.DependencyInjection;
using Kimi.Client.Http;
using Kimi.Client.Resilience;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers <see cref="Kimi.Client.KimiClient"/> with dependency injection, over <c>IHttpClientFactory</c>.</summary>
public static class KimiServiceCollectionExtensions
{
    /// <summary>The <c>IHttpClientFactory</c> client name used for the default <see cref="Kimi.Client.KimiClient"/>.</summary>
    public const string HttpClientName = "Kimi.Client";

    /// <summary>
    /// Registers a <see cref="Kimi.Client.KimiClient"/> configured from a configuration section (for example
    /// <c>builder.Configuration.GetSection("Kimi")</c>), validated when the app starts.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The section holding <c>Provider</c>, <c>ApiKey</c>, <c>Endpoint</c>, <c>Model</c> ….</param>
    /// <returns>The HTTP client builder, to add handlers.</returns>
    public static IHttpClientBuilder AddKimiClient(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<Kimi.Client.KimiClientOptions>().Bind(configuration).ValidateOnStart();
        return AddCore(services);
    }

    /// <summary>Registers a <see cref="Kimi.Client.KimiClient"/> configured in code, validated when the app starts.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The HTTP client builder, to add handlers.</returns>
    public static IHttpClientBuilder AddKimiClient(this IServiceCollection services, Action<Kimi.Client.KimiClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<Kimi.Client.KimiClientOptions>().Configure(configure).ValidateOnStart();
        return AddCore(services);
    }

    private static IHttpClientBuilder AddCore(IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<Kimi.Client.KimiClientOptions>, KimiClientOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<Kimi.Client.KimiClientOptions>, KimiClientApiKeyValidator>());

        // IHttpClientFactory's Trace-level header logs print "Authorization: *" but keep the raw values (the API key) in their
        // structured state, which structured sinks export. Cap this client's log categories at Debug: request logs stay.
        services.Configure<LoggerFilterOptions>(static o => o.AddFilter($"System.Net.Http.HttpClient.{HttpClientName}", LogLevel.Debug));

        // Settings (profile, key, endpoint) are resolved once; each resolved client gets a factory-managed HttpClient.
        services.TryAddSingleton(static sp => new ClientSettings(sp.GetRequiredService<IOptions<Kimi.Client.KimiClientOptions>>().Value, sp.GetService<TimeProvider>()));
        var builder = services.AddHttpClient(HttpClientName)
            .ConfigureHttpClient(static client => client.Timeout = Timeout.InfiniteTimeSpan); // our timeouts, not HttpClient's 100 s

        // App-wide defaults (Aspire's ConfigureHttpClientDefaults(b => b.AddStandardResilienceHandler())) would stack a
        // 10 s attempt / 30 s total limit on long thinking calls and sleep out Retry-After values it cannot use: remove
        // them and attach the LLM-shaped pipeline, which shares its attempt budget with failover.
#pragma warning disable EXTEXP0001 // Experimental in 10.x, and exactly the documented way to drop inherited handlers.
        builder.RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        builder.AddResilienceHandler("kimi", static (pipeline, context) =>
        {
            var settings = context.ServiceProvider.GetRequiredService<ClientSettings>();
            pipeline.TimeProvider = settings.Time;
            KimiResiliencePipeline.Configure(pipeline, settings.Options.Resilience);
        });
        services.TryAddTransient(static sp => new Kimi.Client.KimiClient(
            sp.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName),
            sp.GetRequiredService<ClientSettings>(),
            sp.GetService<ILoggerFactory>()));
        return builder;
    }
}

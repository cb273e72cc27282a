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
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static IHttpClientBuilder AddKimiClient(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<Kimi.Client.KimiClientOptions>().Configure(options => KimiConfigurationBinder.Bind(configuration, options)).ValidateOnStart();
        return AddCore(services, null, PathOf(configuration));
    }

    /// <summary>Registers a <see cref="Kimi.Client.KimiClient"/> configured in code, validated when the app starts.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The HTTP client builder, to add handlers.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static IHttpClientBuilder AddKimiClient(this IServiceCollection services, Action<Kimi.Client.KimiClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<Kimi.Client.KimiClientOptions>().Configure(configure).ValidateOnStart();
        return AddCore(services, null, null);
    }

    /// <summary>
    /// Registers a keyed <see cref="Kimi.Client.KimiClient"/> configured from a configuration section (for example
    /// <c>builder.Configuration.GetSection("Kimi:Nvidia")</c>), validated when the app starts. Resolve it with
    /// <c>[FromKeyedServices("nvidia")] KimiClient</c> or <c>GetRequiredKeyedService&lt;KimiClient&gt;("nvidia")</c>.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="serviceKey">The client's key; also the name of its options and the suffix of its <c>IHttpClientFactory</c> client (<see cref="HttpClientName"/><c>.{key}</c>).</param>
    /// <param name="configuration">The section holding <c>Provider</c>, <c>ApiKey</c>, <c>Endpoint</c>, <c>Model</c> ….</param>
    /// <returns>The HTTP client builder of this key's client, to add handlers.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="serviceKey"/> is empty.</exception>
    public static IHttpClientBuilder AddKimiClient(this IServiceCollection services, string serviceKey, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrEmpty(serviceKey);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<Kimi.Client.KimiClientOptions>(serviceKey).Configure(options => KimiConfigurationBinder.Bind(configuration, options)).ValidateOnStart();
        return AddCore(services, serviceKey, PathOf(configuration));
    }

    /// <summary>
    /// Registers a keyed <see cref="Kimi.Client.KimiClient"/> configured in code, validated when the app starts. Resolve it
    /// with <c>[FromKeyedServices(serviceKey)] KimiClient</c>.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="serviceKey">The client's key; also the name of its options and the suffix of its <c>IHttpClientFactory</c> client.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The HTTP client builder of this key's client, to add handlers.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="serviceKey"/> is empty.</exception>
    public static IHttpClientBuilder AddKimiClient(this IServiceCollection services, string serviceKey, Action<Kimi.Client.KimiClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrEmpty(serviceKey);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<Kimi.Client.KimiClientOptions>(serviceKey).Configure(configure).ValidateOnStart();
        return AddCore(services, serviceKey, null);
    }

    private static string? PathOf(IConfiguration configuration) => configuration is IConfigurationSection section ? section.Path : string.Empty;

    private static IHttpClientBuilder AddCore(IServiceCollection services, string? serviceKey, string? configurationPath)
    {
        // Validators are name-aware: messages name the setting by the section it was bound from and the client's key.
        var paths = GetOrAddPaths(services);
        if (configurationPath is not null)
        {
            paths.Set(serviceKey ?? Options.Options.DefaultName, configurationPath);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<Kimi.Client.KimiClientOptions>, KimiClientOptionsValidator>());

        var httpClientName = serviceKey is null ? HttpClientName : $"{HttpClientName}.{serviceKey}";

        // Settings (profile, key, endpoint) are resolved once per key; each resolved client gets a factory-managed HttpClient.
        if (serviceKey is null)
        {
            services.TryAddSingleton(static sp => new ClientSettings(sp.GetRequiredService<IOptions<Kimi.Client.KimiClientOptions>>().Value, sp.GetService<TimeProvider>()));
        }
        else
        {
            services.TryAddKeyedSingleton(serviceKey, static (sp, key) => new ClientSettings(
                sp.GetRequiredService<IOptionsMonitor<Kimi.Client.KimiClientOptions>>().Get((string)key!), sp.GetService<TimeProvider>()));
        }

        var builder = services.AddHttpClient(httpClientName)
            .ConfigureHttpClient(static client => client.Timeout = Timeout.InfiniteTimeSpan); // our timeouts, not HttpClient's 100 s

        // IHttpClientFactory's header logs print "Authorization: *" but keep the raw value (the API key) in their structured
        // state, which structured sinks export. Drop them for this client; KimiLog logs each call without headers.
        builder.RemoveAllLoggers();

        // App-wide defaults (Aspire's ConfigureHttpClientDefaults(b => b.AddStandardResilienceHandler())) would stack a
        // 10 s attempt / 30 s total limit on long thinking calls and sleep out Retry-After values it cannot use: remove
        // them. The client runs its own LLM-shaped retry policy around each try, sharing the attempt budget with failover.
#pragma warning disable EXTEXP0001 // Experimental in 10.x, and exactly the documented way to drop inherited handlers.
        builder.RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        if (serviceKey is null)
        {
            services.TryAddTransient(static sp => new Kimi.Client.KimiClient(
                sp.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName),
                sp.GetRequiredService<ClientSettings>(),
                sp.GetService<ILoggerFactory>()));
        }
        else
        {
            services.TryAddKeyedTransient(serviceKey, (sp, _) => new Kimi.Client.KimiClient(
                sp.GetRequiredService<IHttpClientFactory>().CreateClient(httpClientName),
                sp.GetRequiredKeyedService<ClientSettings>(serviceKey),
                sp.GetService<ILoggerFactory>()));
        }

        return builder;
    }

    private static ClientSettings SettingsFor(IServiceProvider services, string? serviceKey) =>
        serviceKey is null ? services.GetRequiredService<ClientSettings>() : services.GetRequiredKeyedService<ClientSettings>(serviceKey);

    private static KimiConfigurationPaths GetOrAddPaths(IServiceCollection services)
    {
        foreach (var descriptor in services)
        {
            if (descriptor.ServiceType == typeof(KimiConfigurationPaths) && !descriptor.IsKeyedService && descriptor.ImplementationInstance is KimiConfigurationPaths existing)
            {
                return existing;
            }
        }

        var paths = new KimiConfigurationPaths();
        services.AddSingleton(paths);
        return paths;
    }
}

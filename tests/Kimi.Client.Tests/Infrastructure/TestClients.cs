using Microsoft.Extensions.Logging;

namespace Kimi.Client.Tests.Infrastructure;

/// <summary>Clients pointed at a test server. The key is an obvious fake so leak scans can look for it.</summary>
internal static class TestClients
{
    public const string ApiKey = "test-key-SENTINEL-7f3a9c";

    public static KimiClient For(KimiProvider provider, string baseUrl, Action<KimiClientOptions>? configure = null, ILoggerFactory? loggerFactory = null)
    {
        var options = Options(provider, baseUrl);
        configure?.Invoke(options);
        return new KimiClient(options, loggerFactory);
    }

    public static KimiClientOptions Options(KimiProvider provider, string baseUrl) => new()
    {
        Provider = provider,
        Endpoint = new Uri(baseUrl.TrimEnd('/') + BasePath(provider)),
        ApiKey = ApiKey,
        // Mapping and wire tests see each response once; resilience tests opt in to retries explicitly.
        Resilience = { MaxAttempts = 1 },
    };

    /// <summary>The path each provider's base URL ends with (DeepInfra's includes /openai).</summary>
    public static string BasePath(KimiProvider provider) => provider == KimiProvider.DeepInfra ? "/v1/openai" : "/v1";

    /// <summary>Every (provider) dialect, for theories.</summary>
    public static TheoryData<KimiProvider> Dialects => new()
    {
        { KimiProvider.Moonshot },
        { KimiProvider.DeepInfra },
        { KimiProvider.Nvidia },
        { KimiProvider.Vllm },
        { KimiProvider.SGLang },
    };
}

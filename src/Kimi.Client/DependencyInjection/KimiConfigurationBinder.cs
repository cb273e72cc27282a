using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Kimi.Client.DependencyInjection;

/// <summary>
/// Binds <see cref="KimiClientOptions"/> from configuration, AOT-safe. The top level is read here because a host is an
/// open type picked by name (a built-in host or one under <c>Kimi:Hosts</c>), and an unknown name must fail at start
/// listing the known ones; the nested option groups go through the source-generated binder. A value that cannot be
/// read is reported by validation with its path, never dropped silently.
/// </summary>
internal static class KimiConfigurationBinder
{
    public static void Bind(IConfiguration configuration, KimiClientOptions options)
    {
        var problems = options.BindingProblems;
        const string path = "Kimi"; // validation rewrites "Kimi:" to the section the options were bound from

        if (configuration["Provider"] is { } name)
        {
            options.ProviderName = name;
        }

        options.ApiKey = configuration["ApiKey"] ?? options.ApiKey;
        options.Endpoint = ReadUri(configuration, "Endpoint", path, problems) ?? options.Endpoint;
        options.Model = configuration["Model"] ?? options.Model;
        options.Thinking = ReadEnum<ThinkingMode>(configuration, "Thinking", path, problems) ?? options.Thinking;
        options.AllowUnconfirmedPreserveThinking = ReadBool(configuration, "AllowUnconfirmedPreserveThinking", path, problems) ?? options.AllowUnconfirmedPreserveThinking;
        options.MaxOutputTokens = ReadInt(configuration, "MaxOutputTokens", path, problems) ?? options.MaxOutputTokens;
        options.UseRecommendedSampling = ReadBool(configuration, "UseRecommendedSampling", path, problems) ?? options.UseRecommendedSampling;
        options.DisableThinkingForForcedToolChoice = ReadBool(configuration, "DisableThinkingForForcedToolChoice", path, problems) ?? options.DisableThinkingForForcedToolChoice;
        options.ProbeOtherRegionOn401 = ReadBool(configuration, "ProbeOtherRegionOn401", path, problems) ?? options.ProbeOtherRegionOn401;
        options.IncludeUnknownStreamFields = ReadBool(configuration, "IncludeUnknownStreamFields", path, problems) ?? options.IncludeUnknownStreamFields;
        options.AllowIgnoredToolChoice = ReadBool(configuration, "AllowIgnoredToolChoice", path, problems) ?? options.AllowIgnoredToolChoice;
        options.AllowUnconfirmedForcedToolChoice = ReadBool(configuration, "AllowUnconfirmedForcedToolChoice", path, problems) ?? options.AllowUnconfirmedForcedToolChoice;
        options.AllowUnconfirmedReasoningEffort = ReadBool(configuration, "AllowUnconfirmedReasoningEffort", path, problems) ?? options.AllowUnconfirmedReasoningEffort;

        configuration.GetSection("Resilience").Bind(options.Resilience);
        BindRateLimit(configuration.GetSection("RateLimit"), options.RateLimit, $"{path}:RateLimit", problems);
        configuration.GetSection("Telemetry").Bind(options.Telemetry);
        configuration.GetSection("Media").Bind(options.Media);
        configuration.GetSection("Limits").Bind(options.Limits);

        foreach (var host in configuration.GetSection("Hosts").GetChildren())
        {
            if (!options.Hosts.TryGetValue(host.Key, out var described))
            {
                options.Hosts[host.Key] = described = new KimiHostOptions();
            }

            host.Bind(described);
        }

        foreach (var entry in configuration.GetSection("Failover").GetChildren())
        {
            var entryPath = $"{path}:Failover:{options.Failover.Count}";
            var target = new KimiFailoverTarget
            {
                ApiKey = entry["ApiKey"],
                Endpoint = ReadUri(entry, "Endpoint", entryPath, problems),
                Model = entry["Model"],
            };
            if (entry["Provider"] is { } targetName)
            {
                target.ProviderName = targetName;
            }
            else
            {
                problems.Add($"{entryPath}:Provider is required: name the host to fail over to.");
            }

            if (entry.GetSection("RateLimit").Exists())
            {
                target.RateLimit = new KimiRateLimitOptions();
                BindRateLimit(entry.GetSection("RateLimit"), target.RateLimit, $"{entryPath}:RateLimit", problems);
            }

            options.Failover.Add(target);
        }
    }

    // By hand: the source-generated binder cannot skip RateLimit.Limiter (an abstract type, set in code only).
    private static void BindRateLimit(IConfiguration section, KimiRateLimitOptions limits, string path, List<string> problems)
    {
        limits.Tier = section["Tier"] ?? limits.Tier;
        limits.RequestsPerMinute = ReadInt(section, "RequestsPerMinute", path, problems) ?? limits.RequestsPerMinute;
        limits.TokensPerMinute = ReadInt(section, "TokensPerMinute", path, problems) ?? limits.TokensPerMinute;
        limits.MaxConcurrentRequests = ReadInt(section, "MaxConcurrentRequests", path, problems) ?? limits.MaxConcurrentRequests;
    }

    private static Uri? ReadUri(IConfiguration configuration, string key, string path, List<string> problems)
    {
        var text = configuration[key];
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri))
        {
            return uri;
        }

        problems.Add($"{path}:{key} is not an absolute URL; write it like https://api.moonshot.ai/v1.");
        return null;
    }

    private static bool? ReadBool(IConfiguration configuration, string key, string path, List<string> problems)
    {
        var text = configuration[key];
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (bool.TryParse(text.Trim(), out var value))
        {
            return value;
        }

        problems.Add($"{path}:{key} must be true or false; got '{text}'.");
        return null;
    }

    private static int? ReadInt(IConfiguration configuration, string key, string path, List<string> problems)
    {
        var text = configuration[key];
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (int.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        problems.Add($"{path}:{key} must be a whole number; got '{text}'.");
        return null;
    }

    private static TEnum? ReadEnum<TEnum>(IConfiguration configuration, string key, string path, List<string> problems)
        where TEnum : struct, Enum
    {
        var text = configuration[key];
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (Enum.TryParse<TEnum>(text.Trim(), ignoreCase: true, out var value) && Enum.IsDefined(value) && !char.IsDigit(text.Trim()[0]))
        {
            return value;
        }

        problems.Add($"{path}:{key} '{text}' is not one of {string.Join(", ", Enum.GetNames<TEnum>())}.");
        return null;
    }
}

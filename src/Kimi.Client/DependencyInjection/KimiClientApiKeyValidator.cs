using Kimi.Client.Providers;
using Microsoft.Extensions.Options;

namespace Kimi.Client.DependencyInjection;

/// <summary>
/// Fails start-up when a hosted provider has no key, neither in the options nor in its environment variable: without this
/// the app would start and every resolution of <see cref="KimiClient"/> would throw.
/// </summary>
internal sealed class KimiClientApiKeyValidator(KimiConfigurationPaths paths) : IValidateOptions<KimiClientOptions>
{
    public ValidateOptionsResult Validate(string? name, KimiClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!string.IsNullOrWhiteSpace(options.ApiKey) || !Enum.IsDefined(options.Provider))
        {
            return ValidateOptionsResult.Success; // an undefined provider is reported by KimiClientOptionsValidator
        }

        var profile = ProviderProfile.For(options.Provider, options.Engine);
        return profile.RequiresApiKey && string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(profile.ApiKeyEnvironmentVariable))
            ? ValidateOptionsResult.Fail(paths.Describe(name,
                $"Kimi:ApiKey is required for {profile.DisplayName}: set it (for example with user secrets) or the {profile.ApiKeyEnvironmentVariable} environment variable."))
            : ValidateOptionsResult.Success;
    }
}

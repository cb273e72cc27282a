using Microsoft.Extensions.Options;

namespace Kimi.Client.DependencyInjection;

/// <summary>
/// Validates <see cref="KimiClientOptions"/> at start-up (no reflection), naming the bad setting by its configuration path
/// and, for a keyed client, its key.
/// </summary>
internal sealed class KimiClientOptionsValidator(KimiConfigurationPaths paths) : IValidateOptions<KimiClientOptions>
{
    public ValidateOptionsResult Validate(string? name, KimiClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = options.Validate().Select(result => paths.Describe(name, result.ErrorMessage ?? "Kimi: invalid settings.")).ToList();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

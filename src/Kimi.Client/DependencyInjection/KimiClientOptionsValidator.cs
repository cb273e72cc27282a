using Microsoft.Extensions.Options;

namespace Kimi.Client.DependencyInjection;

/// <summary>The source-generated validator: data annotations and <see cref="System.ComponentModel.DataAnnotations.IValidatableObject"/>, no reflection.</summary>
[OptionsValidator]
internal sealed partial class KimiClientOptionsSourceValidator : IValidateOptions<KimiClientOptions>;

/// <summary>
/// Validates <see cref="KimiClientOptions"/> at start-up through the source-generated validator, and words each failure
/// with the bad setting's configuration path and, for a keyed client, its key.
/// </summary>
internal sealed class KimiClientOptionsValidator(KimiConfigurationPaths paths) : IValidateOptions<KimiClientOptions>
{
    private readonly KimiClientOptionsSourceValidator _generated = new();

    public ValidateOptionsResult Validate(string? name, KimiClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var result = _generated.Validate(name, options);
        if (!result.Failed)
        {
            return ValidateOptionsResult.Success;
        }

        // The generated messages are prefixed with member names; the same rules, worded with this client's section path.
        var failures = options.Validate().Select(problem => paths.Describe(name, problem)).ToList();
        return ValidateOptionsResult.Fail(failures.Count > 0 ? failures : result.Failures!);
    }
}

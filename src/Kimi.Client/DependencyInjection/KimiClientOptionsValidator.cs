using Microsoft.Extensions.Options;

namespace Kimi.Client.DependencyInjection;

/// <summary>Validates <see cref="KimiClientOptions"/> at start-up (source-generated: no reflection).</summary>
[OptionsValidator]
internal sealed partial class KimiClientOptionsValidator : IValidateOptions<KimiClientOptions>;

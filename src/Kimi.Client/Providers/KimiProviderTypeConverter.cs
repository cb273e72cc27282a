using System.ComponentModel;
using System.Globalization;

namespace Kimi.Client;

/// <summary>
/// Converts a built-in host's name to its <see cref="KimiProvider"/>, for the reflection-based configuration binder
/// (<c>section.Bind(options)</c>). <c>AddKimiClient</c> resolves names itself, hosts from <c>Kimi:Hosts</c> included.
/// </summary>
public sealed class KimiProviderTypeConverter : TypeConverter
{
    /// <inheritdoc/>
    public override bool CanConvertFrom(ITypeDescriptorContext? context, Type sourceType) => sourceType == typeof(string) || base.CanConvertFrom(context, sourceType);

    /// <inheritdoc/>
    public override bool CanConvertTo(ITypeDescriptorContext? context, Type? destinationType) => destinationType == typeof(string) || base.CanConvertTo(context, destinationType);

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The name is not a built-in host's.</exception>
    public override object? ConvertFrom(ITypeDescriptorContext? context, CultureInfo? culture, object value) =>
        value is string name ? KimiProvider.FromName(name) : base.ConvertFrom(context, culture, value);

    /// <inheritdoc/>
    public override object? ConvertTo(ITypeDescriptorContext? context, CultureInfo? culture, object? value, Type destinationType) =>
        destinationType == typeof(string) && value is KimiProvider provider ? provider.Name : base.ConvertTo(context, culture, value, destinationType);
}

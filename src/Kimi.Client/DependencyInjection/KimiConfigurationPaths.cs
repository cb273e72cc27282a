using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Kimi.Client.DependencyInjection;

/// <summary>
/// Where each named <see cref="KimiClientOptions"/> was bound from, so that validation messages name the setting as the
/// user wrote it (<c>Kimi:Nvidia:ApiKey</c>) and say which keyed client it belongs to.
/// </summary>
internal sealed class KimiConfigurationPaths
{
    private const string DefaultPrefix = "Kimi:";
    private readonly ConcurrentDictionary<string, string> _paths = new(StringComparer.Ordinal);

    public void Set(string name, string path) => _paths[name] = path;

    /// <summary>Rewrites a message's <c>Kimi:</c> setting prefix to the bound section and prefixes a keyed client's key.</summary>
    public string Describe(string? name, string message)
    {
        name ??= Options.DefaultName;
        if (_paths.TryGetValue(name, out var path) && message.StartsWith(DefaultPrefix, StringComparison.Ordinal))
        {
            message = (path.Length == 0 ? string.Empty : path + ":") + message[DefaultPrefix.Length..];
        }

        return name.Length == 0 ? message : $"Kimi client '{name}': {message}";
    }
}

using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Kimi.Client.AI;

/// <summary>MEAI's JSON contracts (source-generated, Native AOT safe) written compactly, as the wire wants.</summary>
internal static class KimiJson
{
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(AIJsonUtilities.DefaultOptions) { WriteIndented = false };
        options.MakeReadOnly();
        return options;
    }
}

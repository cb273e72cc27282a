using System.Text.Json;

namespace Kimi.Client;

/// <summary>
/// OpenRouter's upstream preferences, sent as the request's <c>provider</c> object: which upstreams may serve the call, in
/// which order, and under which data policy, quantization and price. Unset members are left out (OpenRouter's defaults),
/// and no other key is ever written (the schema forbids unknown ones).
/// </summary>
/// <example>
/// <code>
/// var router = KimiProvider.OpenRouter with { Routing = new OpenRouterRouting { Only = ["moonshotai"], AllowFallbacks = false } };
/// </code>
/// In configuration: <c>"Hosts": { "Router": { "BasedOn": "OpenRouter", "Routing": { "Only": [ "moonshotai" ], "AllowFallbacks": false } } }</c>.
/// </example>
/// <param name="Order">Upstream slugs to try first, in order (<c>order</c>; for example <c>moonshotai</c>, <c>parasail</c>).</param>
/// <param name="AllowFallbacks">Whether upstreams outside <paramref name="Order"/>/<paramref name="Only"/> may take the call when those fail (<c>allow_fallbacks</c>; OpenRouter's default is true).</param>
/// <param name="RequireParameters">Only upstreams that support every parameter sent (<c>require_parameters</c>): set it when the thinking switch must be honoured.</param>
/// <param name="DataCollection">Whether upstreams that store prompts may be used (<c>data_collection</c>).</param>
/// <param name="Zdr">Only zero-data-retention endpoints (<c>zdr</c>).</param>
/// <param name="Only">Only these upstream slugs (<c>only</c>).</param>
/// <param name="Ignore">Never these upstream slugs (<c>ignore</c>).</param>
/// <param name="Quantizations">Only endpoints serving these quantizations (<c>quantizations</c>; see <see cref="KnownQuantizations"/>).</param>
/// <param name="Sort">How to order the upstreams (<c>sort</c>).</param>
/// <param name="MaxPrice">The most an upstream may charge (<c>max_price</c>).</param>
public sealed record OpenRouterRouting(
    IReadOnlyList<string>? Order = null,
    bool? AllowFallbacks = null,
    bool? RequireParameters = null,
    OpenRouterDataPolicy? DataCollection = null,
    bool? Zdr = null,
    IReadOnlyList<string>? Only = null,
    IReadOnlyList<string>? Ignore = null,
    IReadOnlyList<string>? Quantizations = null,
    OpenRouterSort? Sort = null,
    OpenRouterMaxPrice? MaxPrice = null)
{
    /// <summary>The quantizations OpenRouter knows; any other value is refused before sending.</summary>
    public static IReadOnlyList<string> KnownQuantizations { get; } = ["int4", "int8", "fp4", "mxfp4", "nvfp4", "fp6", "fp8", "mxfp8", "fp16", "bf16", "fp32", "unknown"];

    /// <summary>
    /// Moonshot AI's own API only, no fallbacks, and only upstreams that honour every parameter sent (the thinking switch
    /// included): open-weight deployments of K2.6 were reported to end tool follow-ups with empty replies, and only a Moonshot
    /// upstream enforces the reasoning echo (openrouter.md, "Pinning K2.6 for tool loops").
    /// </summary>
    public static OpenRouterRouting PinMoonshot { get; } = new(Only: ["moonshotai"], AllowFallbacks: false, RequireParameters: true);

    internal IEnumerable<string> Validate(string path)
    {
        foreach (var (name, list) in new[] { (nameof(Order), Order), (nameof(Only), Only), (nameof(Ignore), Ignore), (nameof(Quantizations), Quantizations) })
        {
            for (var i = 0; i < (list?.Count ?? 0); i++)
            {
                if (string.IsNullOrWhiteSpace(list![i]))
                {
                    yield return $"{path}:{name}:{i} is blank; give an upstream slug such as moonshotai (or a quantization such as fp8), or remove it.";
                }
            }
        }

        foreach (var quantization in Quantizations ?? [])
        {
            if (!string.IsNullOrWhiteSpace(quantization) && !KnownQuantizations.Contains(quantization))
            {
                yield return $"{path}:Quantizations has '{quantization}', which OpenRouter does not know; use {string.Join(", ", KnownQuantizations)}.";
            }
        }

        if (DataCollection is { } collection && !Enum.IsDefined(collection))
        {
            yield return $"{path}:DataCollection must be Allow or Deny.";
        }

        if (Sort is { } sort && !Enum.IsDefined(sort))
        {
            yield return $"{path}:Sort must be Price, Throughput, Latency or Exacto.";
        }

        foreach (var problem in MaxPrice?.Validate($"{path}:MaxPrice") ?? [])
        {
            yield return problem;
        }
    }

    /// <summary>Writes <c>"provider":{…}</c> with the members that are set; nothing when none is.</summary>
    internal void WriteTo(Utf8JsonWriter writer)
    {
        if (Order is null && AllowFallbacks is null && RequireParameters is null && DataCollection is null && Zdr is null && Only is null &&
            Ignore is null && Quantizations is null && Sort is null && MaxPrice is null)
        {
            return;
        }

        writer.WriteStartObject("provider"u8);
        WriteList(writer, "order"u8, Order);
        WriteList(writer, "only"u8, Only);
        WriteList(writer, "ignore"u8, Ignore);
        if (AllowFallbacks is { } fallbacks)
        {
            writer.WriteBoolean("allow_fallbacks"u8, fallbacks);
        }

        if (RequireParameters is { } require)
        {
            writer.WriteBoolean("require_parameters"u8, require);
        }

        if (DataCollection is { } collection)
        {
            writer.WriteString("data_collection"u8, collection == OpenRouterDataPolicy.Deny ? "deny"u8 : "allow"u8);
        }

        if (Zdr is { } zdr)
        {
            writer.WriteBoolean("zdr"u8, zdr);
        }

        WriteList(writer, "quantizations"u8, Quantizations);
        if (Sort is { } sort)
        {
            writer.WriteString("sort"u8, sort switch
            {
                OpenRouterSort.Throughput => "throughput"u8,
                OpenRouterSort.Latency => "latency"u8,
                OpenRouterSort.Exacto => "exacto"u8,
                _ => "price"u8,
            });
        }

        MaxPrice?.WriteTo(writer);
        writer.WriteEndObject();
    }

    private static void WriteList(Utf8JsonWriter writer, ReadOnlySpan<byte> name, IReadOnlyList<string>? values)
    {
        if (values is null)
        {
            return;
        }

        writer.WriteStartArray(name);
        foreach (var value in values)
        {
            writer.WriteStringValue(value.Trim());
        }

        writer.WriteEndArray();
    }
}

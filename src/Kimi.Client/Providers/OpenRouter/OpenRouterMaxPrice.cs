using System.Globalization;
using System.Text.Json;

namespace Kimi.Client;

/// <summary>
/// The most OpenRouter may charge, in US dollars per million tokens (per request or per image where it says so): upstreams
/// above it are filtered out (<c>provider.max_price</c>). Values are sent as strings, as OpenRouter's schema types them.
/// </summary>
/// <param name="Prompt">Per million prompt tokens.</param>
/// <param name="Completion">Per million completion tokens.</param>
/// <param name="Request">Per request.</param>
/// <param name="Image">Per image.</param>
/// <param name="Audio">Per million audio tokens.</param>
public sealed record OpenRouterMaxPrice(decimal? Prompt = null, decimal? Completion = null, decimal? Request = null, decimal? Image = null, decimal? Audio = null)
{

    internal IEnumerable<string> Validate(string path)
    {
        foreach (var (name, value) in Prices())
        {
            if (value is { } price && price < 0)
            {
                yield return $"{path}:{name} must not be negative; got {price.ToString(CultureInfo.InvariantCulture)}.";
            }
        }

        if (Prices().All(static p => p.Value is null))
        {
            yield return $"{path} is empty: set Prompt, Completion, Request, Image or Audio, or remove MaxPrice.";
        }
    }

    internal void WriteTo(Utf8JsonWriter writer)
    {
        writer.WriteStartObject("max_price"u8);
        foreach (var (name, value) in Prices())
        {
            if (value is { } price)
            {
                writer.WriteString(name.ToLowerInvariant(), price.ToString(CultureInfo.InvariantCulture));
            }
        }

        writer.WriteEndObject();
    }

    private (string Name, decimal? Value)[] Prices() =>
        [(nameof(Prompt), Prompt), (nameof(Completion), Completion), (nameof(Request), Request), (nameof(Image), Image), (nameof(Audio), Audio)];
}

using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Kimi.Client.Tests.Infrastructure;

namespace Kimi.Client.Tests.Serialization;

/// <summary>
/// A router's <c>models</c> (fallback models) and <c>provider</c> (routing) set both by the host profile and in
/// <see cref="ChatCompletionOptions.AdditionalProperties"/> go out once, with the caller's value. Read from the raw bytes on
/// the wire, because a JSON DOM would hide a duplicated key.
/// </summary>
public class RoutingExtraFieldTests
{
    /// <summary>How often <paramref name="name"/> occurs at the top level of the body, duplicates counted.</summary>
    private static int TopLevelCount(string body, string name)
    {
        var count = 0;
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(body));
        reader.Read(); // StartObject
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            count += reader.ValueTextEquals(name) ? 1 : 0;
            reader.Read();
            reader.Skip();
        }

        return count;
    }

    [Fact(Timeout = 10_000)]
    public async Task Models_given_by_the_host_and_as_an_additional_property_are_written_once_with_the_additional_value()
    {
        var provider = KimiProvider.OpenRouter with { FallbackModels = ["moonshotai/kimi-k2.5"] };
        using var server = RecordingServer.Start(provider);
        using var client = server.Client(provider);
        var options = new ChatCompletionOptions();
        options.AdditionalProperties["models"] = JsonNode.Parse("""["moonshotai/kimi-k2.6","moonshotai/kimi-k2-thinking"]""");

        await client.CompleteAsync("Hi", options, TestContext.Current.CancellationToken);

        Assert.Equal(1, TopLevelCount(server.Body, "models"));
        JsonAssert.Equal("""["moonshotai/kimi-k2.6","moonshotai/kimi-k2-thinking"]""", JsonNode.Parse(server.Body)!["models"]!.ToJsonString());
    }

    [Fact(Timeout = 10_000)]
    public async Task Provider_routing_given_by_the_host_and_as_an_additional_property_is_written_once_with_the_additional_value()
    {
        var provider = KimiProvider.OpenRouter with { Routing = new OpenRouterRouting(Only: ["moonshotai"], RequireParameters: true) };
        using var server = RecordingServer.Start(provider);
        using var client = server.Client(provider);
        var options = new ChatCompletionOptions();
        options.AdditionalProperties["provider"] = JsonNode.Parse("""{"order":["parasail"],"allow_fallbacks":false}""");

        await client.CompleteAsync("Hi", options, TestContext.Current.CancellationToken);

        Assert.Equal(1, TopLevelCount(server.Body, "provider"));
        JsonAssert.Equal("""{"order":["parasail"],"allow_fallbacks":false}""", JsonNode.Parse(server.Body)!["provider"]!.ToJsonString());
    }
}

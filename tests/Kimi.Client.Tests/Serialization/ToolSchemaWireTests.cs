using System.Text.Json;
using System.Text.Json.Nodes;
using Kimi.Client.Tests.Infrastructure;
using Microsoft.Extensions.AI;

namespace Kimi.Client.Tests.Serialization;

/// <summary>Tool schemas are normalized to what each provider accepts, or rejected before sending.</summary>
public class ToolSchemaWireTests
{
    private static AIFunctionDeclaration Tool(string name, string schema) =>
        AIFunctionFactory.CreateDeclaration(name, "A tool.", JsonDocument.Parse(schema).RootElement);

    private static async Task<JsonNode> SendWithToolAsync(KimiProvider provider, AIFunctionDeclaration tool, CancellationToken cancellationToken)
    {
        using var server = RecordingServer.Start(provider);
        using var client = server.Client(provider);
        var options = new ChatCompletionOptions();
        options.Tools.Add(tool);
        await client.CompleteAsync("Use the tool.", options, cancellationToken);
        return JsonNode.Parse(server.Body)!["tools"]![0]!["function"]!["parameters"]!;
    }

    [Fact(Timeout = 10_000)]
    public async Task Moonshot_gets_types_inferred_for_untyped_enum_object_and_array_properties_and_no_schema_keyword()
    {
        var tool = Tool("plan", """
            {"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object",
             "properties":{"unit":{"enum":["c","f"]},"level":{"enum":[1,2,3]},"ratio":{"enum":[0.5,1]},
                           "where":{"properties":{"city":{"type":"string"}}},"tags":{"items":{"type":"string"}}},
             "required":["unit"]}
            """);

        var parameters = await SendWithToolAsync(KimiProvider.Moonshot, tool, TestContext.Current.CancellationToken);

        JsonAssert.Equal("""
            {"type":"object",
             "properties":{"unit":{"enum":["c","f"],"type":"string"},"level":{"enum":[1,2,3],"type":"integer"},"ratio":{"enum":[0.5,1],"type":"number"},
                           "where":{"properties":{"city":{"type":"string"}},"type":"object"},"tags":{"items":{"type":"string"},"type":"array"}},
             "required":["unit"]}
            """, parameters.ToJsonString());
    }

    [Fact(Timeout = 10_000)]
    public async Task Moonshot_rejects_a_nested_property_whose_type_cannot_be_inferred_before_sending()
    {
        using var server = RecordingServer.Start(KimiProvider.Moonshot);
        using var client = server.Client(KimiProvider.Moonshot);
        var options = new ChatCompletionOptions();
        options.Tools.Add(Tool("lookup", """{"type":"object","properties":{"filter":{"type":"object","properties":{"value":{"description":"anything"}}}}}"""));

        var error = await Assert.ThrowsAsync<ArgumentException>(() => client.CompleteAsync("Hi", options, TestContext.Current.CancellationToken));

        Assert.Contains("'lookup'", error.Message, StringComparison.Ordinal);
        Assert.Contains("parameters.filter.value", error.Message, StringComparison.Ordinal);
        Assert.Contains("has no \"type\"", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, server.RequestCount);
    }

    [Theory(Timeout = 10_000)]
    [InlineData("DeepInfra")]
    [InlineData("Nvidia")]
    [InlineData("Vllm")]
    [InlineData("SGLang")]
    public async Task Other_providers_keep_untyped_properties_but_lose_the_schema_keyword(string providerName)
    {
        var provider = KimiProvider.FromName(providerName);
        var tool = Tool("lookup", """{"$schema":"x","type":"object","properties":{"value":{"description":"anything"}}}""");

        var parameters = await SendWithToolAsync(provider, tool, TestContext.Current.CancellationToken);

        JsonAssert.Equal("""{"type":"object","properties":{"value":{"description":"anything"}}}""", parameters.ToJsonString());
    }

    [Fact(Timeout = 10_000)]
    public async Task A_schema_without_type_or_properties_becomes_an_empty_object_schema()
    {
        var parameters = await SendWithToolAsync(KimiProvider.Moonshot, Tool("ping", "{}"), TestContext.Current.CancellationToken);

        JsonAssert.Equal("""{"type":"object","properties":{}}""", parameters.ToJsonString());
    }

    [Fact(Timeout = 10_000)]
    public async Task Parameters_that_are_not_an_object_schema_are_rejected_before_sending()
    {
        using var server = RecordingServer.Start(KimiProvider.DeepInfra);
        using var client = server.Client(KimiProvider.DeepInfra);
        var options = new ChatCompletionOptions();
        options.Tools.Add(Tool("bad", """{"type":"string"}"""));

        var error = await Assert.ThrowsAsync<ArgumentException>(() => client.CompleteAsync("Hi", options, TestContext.Current.CancellationToken));

        Assert.Contains("must be a JSON object", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, server.RequestCount);
    }
}

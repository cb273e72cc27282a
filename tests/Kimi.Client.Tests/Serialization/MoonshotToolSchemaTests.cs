using System.Text.Json;
using System.Text.Json.Nodes;
using Kimi.Client.Testing;
using Kimi.Client.Tests.Infrastructure;
using Microsoft.Extensions.AI;

namespace Kimi.Client.Tests.Serialization;

/// <summary>
/// Schemas as real MCP servers and generators emit them ($ref/$defs, allOf, anyOf, boolean schemas, deep nesting) are
/// rewritten into what Moonshot accepts, checked by the Moonshot emulator's schema rules, or refused before sending.
/// </summary>
public class MoonshotToolSchemaTests
{
    private static AIFunctionDeclaration Tool(string name, string schema) =>
        AIFunctionFactory.CreateDeclaration(name, "A tool.", JsonDocument.Parse(schema, new JsonDocumentOptions { MaxDepth = 512 }).RootElement);

    private static async Task<(KimiEmulator Emulator, KimiClient Client)> StartAsync(KimiProvider? provider = null)
    {
        provider ??= KimiProvider.Moonshot;
        var emulator = new KimiEmulator(new KimiEmulatorOptions { Provider = provider });
        var client = new KimiClient(new HttpClient(emulator.CreateHandler()), new KimiClientOptions { Provider = provider, ApiKey = "sk-test", Endpoint = emulator.BaseAddress });
        return await Task.FromResult((emulator, client));
    }

    /// <summary>Sends one call with the tool to the Moonshot emulator (which would answer 400 to a schema outside its flavor) and returns the parameters sent.</summary>
    private static async Task<string> SendAsync(AIFunctionDeclaration tool, CancellationToken ct)
    {
        var (emulator, client) = await StartAsync();
        await using var _ = emulator;
        using var __ = client;
        var options = new ChatCompletionOptions();
        options.Tools.Add(tool);
        await client.CompleteAsync("Use the tool.", options, ct);
        var request = Assert.Single(emulator.Requests);
        return request.Json.GetProperty("tools")[0].GetProperty("function").GetProperty("parameters").GetRawText();
    }

    private static async Task<ArgumentException> RefusedAsync(AIFunctionDeclaration tool, CancellationToken ct, KimiProvider? provider = null)
    {
        var (emulator, client) = await StartAsync(provider);
        await using var _ = emulator;
        using var __ = client;
        var options = new ChatCompletionOptions();
        options.Tools.Add(tool);
        var error = await Assert.ThrowsAsync<ArgumentException>(() => client.CompleteAsync("Use the tool.", options, ct));
        Assert.Empty(emulator.Requests);
        return error;
    }

    [Fact(Timeout = 10_000)]
    public async Task Local_refs_are_inlined_with_their_sibling_keywords_winning_and_the_definitions_dropped()
    {
        var tool = Tool("move", """
            {"type":"object","properties":{
               "from":{"$ref":"#/$defs/Point","description":"Start."},
               "to":{"$ref":"#/$defs/Point"},
               "path":{"type":"array","items":{"$ref":"#/definitions/Step"}}},
             "required":["from","to"],
             "$defs":{"Point":{"type":"object","description":"A point.","properties":{"x":{"type":"number"},"y":{"$ref":"#/$defs/Coordinate"}}},
                      "Coordinate":{"type":"number"}},
             "definitions":{"Step":{"properties":{"dx":{"type":"number"}}}}}
            """);

        var parameters = await SendAsync(tool, TestContext.Current.CancellationToken);

        JsonAssert.Equal("""
            {"type":"object","properties":{
               "from":{"type":"object","description":"Start.","properties":{"x":{"type":"number"},"y":{"type":"number"}}},
               "to":{"type":"object","description":"A point.","properties":{"x":{"type":"number"},"y":{"type":"number"}}},
               "path":{"type":"array","items":{"properties":{"dx":{"type":"number"}},"type":"object"}}},
             "required":["from","to"]}
            """, parameters);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_single_item_allOf_around_a_ref_and_a_nullable_anyOf_become_typed_schemas()
    {
        // Pydantic's shapes: {"allOf":[{"$ref":…}],"description":…} and Optional[T] as anyOf [T, null].
        var tool = Tool("book", """
            {"type":"object","properties":{
               "unit":{"allOf":[{"$ref":"#/$defs/Unit"}],"description":"Unit to use."},
               "note":{"anyOf":[{"type":"string"},{"type":"null"}],"default":null},
               "mode":{"type":"string","anyOf":[{"enum":["fast"]},{"enum":["slow"]}]}},
             "$defs":{"Unit":{"enum":["c","f"],"title":"Unit"}}}
            """);

        var parameters = await SendAsync(tool, TestContext.Current.CancellationToken);

        JsonAssert.Equal("""
            {"type":"object","properties":{
               "unit":{"description":"Unit to use.","enum":["c","f"],"title":"Unit","type":"string"},
               "note":{"anyOf":[{"type":"string"},{"type":"null"}],"default":null},
               "mode":{"anyOf":[{"enum":["fast"],"type":"string"},{"enum":["slow"],"type":"string"}]}}}
            """, parameters);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_root_ref_is_expanded_before_the_object_defaults_are_added()
    {
        var tool = Tool("find", """{"$ref":"#/$defs/Args","$defs":{"Args":{"type":"object","properties":{"q":{"type":"string"}},"required":["q"]}}}""");

        var parameters = await SendAsync(tool, TestContext.Current.CancellationToken);

        JsonAssert.Equal("""{"type":"object","properties":{"q":{"type":"string"}},"required":["q"]}""", parameters);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_boolean_true_property_is_refused_before_sending_naming_the_tool_and_path()
    {
        var error = await RefusedAsync(Tool("store", """{"type":"object","properties":{"key":{"type":"string"},"value":true}}"""), TestContext.Current.CancellationToken);

        Assert.Contains("Tool 'store'", error.Message, StringComparison.Ordinal);
        Assert.Contains("parameters.value", error.Message, StringComparison.Ordinal);
        Assert.Contains("schema true", error.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_ref_to_an_untyped_definition_is_refused_with_the_property_path()
    {
        var error = await RefusedAsync(Tool("store", """{"type":"object","properties":{"value":{"$ref":"#/$defs/Any"}},"$defs":{"Any":{"description":"anything"}}}"""), TestContext.Current.CancellationToken);

        Assert.Contains("parameters.value has no \"type\"", error.Message, StringComparison.Ordinal);
    }

    [Theory(Timeout = 10_000)]
    [InlineData("""{"type":"object","properties":{"tree":{"$ref":"#/$defs/Node"}},"$defs":{"Node":{"type":"object","properties":{"children":{"type":"array","items":{"$ref":"#/$defs/Node"}}}}}}""", "recursive", "parameters.tree.children[]")]
    [InlineData("""{"type":"object","properties":{"x":{"$ref":"#/components/schemas/X"}}}""", "#/components/schemas/X", "parameters.x")]
    [InlineData("""{"type":"object","properties":{"pair":{"type":"array","items":[{"type":"string"},{"type":"number"}]}}}""", "tuple", "parameters.pair.items")]
    [InlineData("""{"type":"object","properties":{"n":{"allOf":[{"type":"string"},{"type":"number"}]}}}""", "allOf", "parameters.n.allOf[1]")]
    public async Task Schemas_that_cannot_be_rewritten_faithfully_are_refused_with_the_path(string schema, string problem, string path)
    {
        var error = await RefusedAsync(Tool("odd", schema), TestContext.Current.CancellationToken);

        Assert.Contains("Tool 'odd'", error.Message, StringComparison.Ordinal);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Theory(Timeout = 10_000)]
    [InlineData("Moonshot")]
    [InlineData("DeepInfra")]
    public async Task A_schema_nested_deeper_than_the_reader_allows_names_the_tool_instead_of_a_reader_exception(string providerName)
    {
        var provider = KimiProvider.FromName(providerName);
        var nested = new JsonObject { ["type"] = "string" };
        for (var i = 0; i < 40; i++)
        {
            nested = new JsonObject { ["type"] = "object", ["properties"] = new JsonObject { ["p"] = nested } };
        }

        var error = await RefusedAsync(Tool("deep", nested.ToJsonString()), TestContext.Current.CancellationToken, provider);

        Assert.IsType<ArgumentException>(error); // not a JsonException subclass
        Assert.Contains("Tool 'deep'", error.Message, StringComparison.Ordinal);
        Assert.Contains("nested deeper than 64 levels", error.Message, StringComparison.Ordinal);
    }
}

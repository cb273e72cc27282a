using System.Text.Json;
using Kimi.Client.Testing;

namespace Kimi.Client.Testing.Tests.Dialects;

/// <summary>The Moonshot dialect refuses the tool schemas Moonshot's "moonshot flavored JSON schema" check refuses (recorded messages).</summary>
public sealed class MoonshotToolSchemaRulesTests
{
    private const string Prefix = "Invalid request: tools.function.parameters is not a valid moonshot flavored json schema, details: ";

    private static string Request(string parameters, string name = "lookup", string extraTool = "") => $$$"""
        {"model":"kimi-k2.6","messages":[{"role":"user","content":"Hi"}],
         "tools":[{"type":"function","function":{"name":"{{{name}}}","description":"d","parameters":{{{parameters}}}}}{{{extraTool}}}]}
        """;

    private static void AssertError(string message, string body)
    {
        using var document = JsonDocument.Parse(body);
        JsonElement error = document.RootElement.GetProperty("error");
        Assert.Equal(message, error.GetProperty("message").GetString());
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
    }

    public static TheoryData<string, string> Rejected => new()
    {
        // earendil-works/pi#4138 (K2.6): an untyped property.
        { """{"type":"object","properties":{"source":{"description":"any"}}}""", Prefix + "<At path 'properties.source': type is not defined>" },
        // The boolean schema true has no type either.
        { """{"type":"object","properties":{"value":true}}""", Prefix + "<At path 'properties.value': type is not defined>" },
        // Nested, and under array items.
        { """{"type":"object","properties":{"f":{"type":"object","properties":{"x":{}}}}}""", Prefix + "<At path 'properties.f.properties.x': type is not defined>" },
        { """{"type":"object","properties":{"tags":{"type":"array","items":{"description":"tag"}}}}""", Prefix + "<At path 'properties.tags.items': type is not defined>" },
        // CommandCodeAI/command-code#594: references outside $defs.
        { """{"type":"object","properties":{"d":{"$ref":"#/definitions/D"}},"definitions":{"D":{"type":"string"}}}""", Prefix + "<At path 'properties.d.$ref': references must start with #/$defs/>" },
        // MoonshotAI/kimi-cli#2061 (K2.6): $ref with a sibling description.
        { """{"type":"object","properties":{"a":{"$ref":"#/$defs/A","description":"x"}},"$defs":{"A":{"type":"string"}}}""", Prefix + "<At path 'properties.a': conflicting keywords found after $ref expansion: description>" },
        // router-for-me/CLIProxyAPI#5316: $ref with a sibling type, in $defs.
        { """{"type":"object","properties":{},"$defs":{"v":{"$ref":"#/$defs/w","type":"object"},"w":{"type":"object"}}}""", Prefix + "<At path '$defs.v': when using $ref, type should be defined in the referenced schema instead of the parent schema>" },
        // Properties inside anyOf items still need a type.
        { """{"type":"object","properties":{"o":{"anyOf":[{"type":"object","properties":{"x":{}}}]}}}""", Prefix + "<At path 'properties.o.anyOf.0.properties.x': type is not defined>" },
        // 14790897/MiqroForge-Desktop#1165 (K2.6): the root must be an object.
        { """{"properties":{"a":{"type":"string"}}}""", "Invalid request: tools.function.parameters.type is required and must be \"object\"" },
    };

    [Theory(Timeout = 10000)]
    [MemberData(nameof(Rejected))]
    public async Task Moonshot_rejects_schemas_outside_its_flavor_with_the_recorded_message(string parameters, string message)
    {
        await using var harness = await EmulatorHarness.CreateAsync(KimiProvider.Moonshot);

        (int status, string body) = await harness.PostAsync(Request(parameters));

        Assert.Equal(400, status);
        AssertError(message, body);
    }

    [Theory(Timeout = 10000)]
    [InlineData("""{"type":"object","properties":{"city":{"type":"string"},"unit":{"enum":["c","f"],"type":"string"}},"required":["city"]}""")]
    [InlineData("""{"type":"object","properties":{"o":{"anyOf":[{"type":"string"},{"type":"null"}]}}}""")]
    [InlineData("""{"type":"object","properties":{"a":{"$ref":"#/$defs/A"}},"$defs":{"A":{"type":"object","properties":{"b":{"type":"integer"}}}}}""")]
    [InlineData("""{"type":"object","anyOf":[{"required":["a"]}],"properties":{"a":{"type":"string"}},"additionalProperties":false}""")]
    // A typed parent over anyOf and untyped anyOf items passed a live K2.6 test (MiqroForge-Desktop#1165).
    [InlineData("""{"type":"object","properties":{"o":{"type":"string","anyOf":[{"enum":["a"]},{"enum":["b"]}]}}}""")]
    public async Task Moonshot_accepts_typed_schemas(string parameters)
    {
        await using var harness = await EmulatorHarness.CreateAsync(KimiProvider.Moonshot);

        (int status, string body) = await harness.PostAsync(Request(parameters));

        Assert.True(status == 200, body);
    }

    [Fact(Timeout = 10000)]
    public async Task Moonshot_rejects_two_functions_with_one_name()
    {
        await using var harness = await EmulatorHarness.CreateAsync(KimiProvider.Moonshot);
        const string Same = """,{"type":"function","function":{"name":"lookup","parameters":{"type":"object","properties":{}}}}""";

        (int status, string body) = await harness.PostAsync(Request("""{"type":"object","properties":{}}""", extraTool: Same));

        Assert.Equal(400, status);
        AssertError("Invalid request: function name lookup is duplicated", body);
    }

    [Theory(Timeout = 10000)]
    [InlineData("DeepInfra")]
    [InlineData("Vllm")]
    public async Task Other_dialects_take_untyped_properties(string providerName)
    {
        var provider = KimiProvider.FromName(providerName);
        await using var harness = await EmulatorHarness.CreateAsync(provider);
        string model = harness.Emulator.Options.AcceptedModels[0];

        (int status, string body) = await harness.PostAsync(Request("""{"type":"object","properties":{"source":{"description":"any"}}}""").Replace("kimi-k2.6", model, StringComparison.Ordinal));

        Assert.True(status == 200, body);
    }
}

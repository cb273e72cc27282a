using System.Text.Json;
using System.Text.Json.Nodes;
using Kimi.Client.AI;
using Microsoft.Extensions.AI;

namespace Kimi.Client.Tests.AI;

/// <summary>ChatOptions → ChatCompletionOptions, and the few that matter on the wire.</summary>
public class ChatOptionsMappingTests
{
    private static readonly KimiClient Client = new(new KimiClientOptions { Provider = KimiProvider.Moonshot, ApiKey = "sk-test" });

    private static ChatCompletionOptions Map(ChatOptions options) =>
        ChatOptionsMapper.ToCompletionOptions(Client.AsIChatClient(), Client, options)!;

    [Fact]
    public void Sampling_limits_stop_sequences_and_seed_are_copied()
    {
        var mapped = Map(new ChatOptions
        {
            MaxOutputTokens = 1234,
            Temperature = 0.6f,
            TopP = 0.9f,
            PresencePenalty = 0.1f,
            FrequencyPenalty = 0.2f,
            StopSequences = ["END", "STOP"],
            Seed = 42,
        });

        Assert.Equal(1234, mapped.MaxOutputTokens);
        Assert.Equal(0.6f, mapped.Temperature);
        Assert.Equal(0.9f, mapped.TopP);
        Assert.Equal(0.1f, mapped.PresencePenalty);
        Assert.Equal(0.2f, mapped.FrequencyPenalty);
        Assert.Equal(["END", "STOP"], mapped.StopSequences);
        Assert.Equal(42, mapped.Seed);
        Assert.Null(mapped.Thinking);
        Assert.Null(mapped.ResponseFormat);
        Assert.Null(mapped.ToolChoice);
    }

    [Fact]
    public void Response_formats_map_to_text_json_object_and_json_schema()
    {
        var schema = JsonDocument.Parse("""{"type":"object","properties":{"city":{"type":"string"}}}""").RootElement;

        Assert.Null(Map(new ChatOptions { ResponseFormat = ChatResponseFormat.Text }).ResponseFormat);
        Assert.Same(ResponseFormat.JsonObject, Map(new ChatOptions { ResponseFormat = ChatResponseFormat.Json }).ResponseFormat);
        var named = Map(new ChatOptions { ResponseFormat = ChatResponseFormat.ForJsonSchema(schema, "city_answer", "A city.") }).ResponseFormat!;
        var unnamed = Map(new ChatOptions { ResponseFormat = ChatResponseFormat.ForJsonSchema(schema) }).ResponseFormat!;

        Assert.Equal(("json_schema", "city_answer", "A city."), (named.Type, named.SchemaName, named.SchemaDescription));
        Assert.Equal(schema.GetRawText(), named.Schema!.Value.GetRawText());
        Assert.Equal("response", unnamed.SchemaName);
    }

    [Fact]
    public void Tool_modes_map_to_tool_choices()
    {
        Assert.Same(ToolChoice.Auto, Map(new ChatOptions { ToolMode = ChatToolMode.Auto }).ToolChoice);
        Assert.Same(ToolChoice.None, Map(new ChatOptions { ToolMode = ChatToolMode.None }).ToolChoice);
        Assert.Same(ToolChoice.Required, Map(new ChatOptions { ToolMode = ChatToolMode.RequireAny }).ToolChoice);
        Assert.Equal("function:get_weather", Map(new ChatOptions { ToolMode = ChatToolMode.RequireSpecific("get_weather") }).ToolChoice!.ToString());
        Assert.Null(Map(new ChatOptions()).ToolChoice);
    }

    [Fact]
    public void Function_tools_pass_through_and_other_tools_are_rejected_by_name()
    {
        var function = AIFunctionFactory.Create((string city) => "Sunny", "get_weather");
        var declaration = AIFunctionFactory.CreateDeclaration("get_time", "Local time.", JsonDocument.Parse("""{"type":"object"}""").RootElement);

        var mapped = Map(new ChatOptions { Tools = [function, declaration] });
        var ex = Assert.Throws<NotSupportedException>(() => Map(new ChatOptions { Tools = [function, new HostedWebSearchTool()] }));

        Assert.Equal([function, declaration], mapped.Tools);
        Assert.Contains(nameof(HostedWebSearchTool), ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ReasoningEffort.None, ThinkingMode.Disabled)]
    [InlineData(ReasoningEffort.Low, ThinkingMode.Enabled)]
    [InlineData(ReasoningEffort.Medium, ThinkingMode.Enabled)]
    [InlineData(ReasoningEffort.High, ThinkingMode.Enabled)]
    [InlineData(ReasoningEffort.ExtraHigh, ThinkingMode.Enabled)]
    public void Reasoning_effort_none_turns_thinking_off_and_any_other_effort_on(ReasoningEffort effort, ThinkingMode expected)
    {
        Assert.Equal(expected, Map(new ChatOptions { Reasoning = new ReasoningOptions { Effort = effort } }).Thinking);
    }

    [Fact]
    public void The_kimi_thinking_property_selects_preserved_thinking_and_wins_over_effort()
    {
        var text = Map(new ChatOptions
        {
            Reasoning = new ReasoningOptions { Effort = ReasoningEffort.None },
            AdditionalProperties = new() { [KimiPropertyNames.Thinking] = "preserved" },
        });
        var typed = Map(new ChatOptions { AdditionalProperties = new() { [KimiPropertyNames.Thinking] = ThinkingMode.Disabled } });
        var json = Map(new ChatOptions { AdditionalProperties = new() { [KimiPropertyNames.Thinking] = JsonDocument.Parse("\"Enabled\"").RootElement } });

        Assert.Equal(ThinkingMode.Preserved, text.Thinking);
        Assert.Equal(ThinkingMode.Disabled, typed.Thinking);
        Assert.Equal(ThinkingMode.Enabled, json.Thinking);
        Assert.False(text.AdditionalProperties.ContainsKey(KimiPropertyNames.Thinking));
        Assert.Throws<ArgumentException>(() => Map(new ChatOptions { AdditionalProperties = new() { [KimiPropertyNames.Thinking] = "maybe" } }));
        Assert.Throws<ArgumentException>(() => Map(new ChatOptions { AdditionalProperties = new() { [KimiPropertyNames.Thinking] = "1" } }));
    }

    [Fact]
    public void Additional_properties_become_JSON_without_reflection()
    {
        var mapped = Map(new ChatOptions
        {
            AdditionalProperties = new()
            {
                ["prompt_cache_key"] = "user-42",
                ["n_ctx"] = 4096,
                ["logprobs"] = true,
                ["ratio"] = 0.5,
                ["extra_body"] = JsonDocument.Parse("""{"top_k":20}""").RootElement,
                ["node"] = new JsonObject { ["a"] = 1 },
                ["map"] = new Dictionary<string, object?> { ["b"] = "c" },
                ["nothing"] = null,
            },
        }).AdditionalProperties;

        Assert.Equal("""{"prompt_cache_key":"user-42","n_ctx":4096,"logprobs":true,"ratio":0.5,"extra_body":{"top_k":20},"node":{"a":1},"map":{"b":"c"},"nothing":null}""",
            new JsonObject(mapped.Select(p => KeyValuePair.Create(p.Key, p.Value))).ToJsonString());
    }

    [Fact]
    public void A_model_id_other_than_the_clients_is_rejected_and_the_same_one_accepted()
    {
        Assert.NotNull(Map(new ChatOptions { ModelId = "kimi-k2.6" }));
        var ex = Assert.Throws<NotSupportedException>(() => Map(new ChatOptions { ModelId = "kimi-k2.5" }));

        Assert.Contains("kimi-k2.5", ex.Message, StringComparison.Ordinal);
        Assert.Contains("KimiClientOptions.Model", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_from_the_raw_representation_factory_are_the_base_and_win()
    {
        var raw = new ChatCompletionOptions { MaxOutputTokens = 10, Thinking = ThinkingMode.Disabled };
        raw.AdditionalProperties["prompt_cache_key"] = "raw";

        var mapped = Map(new ChatOptions
        {
            RawRepresentationFactory = _ => raw,
            MaxOutputTokens = 99,
            Temperature = 0.6f,
            Reasoning = new ReasoningOptions { Effort = ReasoningEffort.High },
            AdditionalProperties = new() { ["prompt_cache_key"] = "options" },
        });

        Assert.Same(raw, mapped);
        Assert.Equal(10, mapped.MaxOutputTokens);
        Assert.Equal(0.6f, mapped.Temperature);
        Assert.Equal(ThinkingMode.Disabled, mapped.Thinking);
        Assert.Equal("raw", mapped.AdditionalProperties["prompt_cache_key"]!.GetValue<string>());
    }

    [Fact(Timeout = 15_000)]
    public async Task Options_reach_the_Moonshot_wire_in_its_dialect()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var harness = await ChatClientHarness.StartAsync();
        var schema = JsonDocument.Parse("""{"type":"object","properties":{"city":{"type":"string"}}}""").RootElement;

        await harness.ChatClient.GetResponseAsync([new ChatMessage(ChatRole.User, "City?")], new ChatOptions
        {
            MaxOutputTokens = 500,
            StopSequences = ["END"],
            Reasoning = new ReasoningOptions { Effort = ReasoningEffort.None },
            ResponseFormat = ChatResponseFormat.ForJsonSchema(schema, "city_answer"),
            AdditionalProperties = new() { ["prompt_cache_key"] = "user-42" },
        }, ct);

        var body = harness.Emulator.Requests[0].Json;
        Assert.Equal("""{"type":"disabled"}""", body.GetProperty("thinking").GetRawText());
        Assert.Equal(500, body.GetProperty("max_completion_tokens").GetInt32());
        Assert.Equal("""["END"]""", body.GetProperty("stop").GetRawText());
        Assert.Equal("user-42", body.GetProperty("prompt_cache_key").GetString());
        Assert.Equal("json_schema", body.GetProperty("response_format").GetProperty("type").GetString());
        Assert.Equal("city_answer", body.GetProperty("response_format").GetProperty("json_schema").GetProperty("name").GetString());
        Assert.False(body.TryGetProperty("kimi.thinking", out _));
    }
}

using Kimi.Client.Agents;
using Kimi.Client.Ecosystem.Tests.Infrastructure;
using Kimi.Client.Testing;
using Microsoft.Extensions.AI;
using ModelContextProtocol.Client;

namespace Kimi.Client.Ecosystem.Tests.Mcp;

/// <summary>
/// Tools from a real MCP server (the official ModelContextProtocol 2.4.0 package, over streamable HTTP on loopback and over
/// stdio to a child process) run a multi-step loop with thinking on against the Moonshot and vLLM dialects of the emulator
/// on loopback Kestrel. The Moonshot dialect answers 400 to a tool-call turn sent back without its reasoning.
/// </summary>
public class McpToolLoopTests
{
    private const string WeatherReasoning = "The user wants weather and forecast for Paris. First get_weather.";
    private const string ForecastReasoning = "Sunny now. Next get_forecast for two days.";
    private const string AnswerReasoning = "Both known: answer.";
    private const string Answer = "Sunny now, then rain for 2 days.";

    private static readonly string Question = "Weather in Paris now and for the next two days?";

    internal static async Task<string> DriveAsync(Driver driver, KimiHarness harness, IEnumerable<AIFunction> tools, CancellationToken ct, bool detailedErrors = false)
    {
        if (driver == Driver.KimiAgent)
        {
            var agent = new KimiAgent(harness.Client, tools, new KimiAgentOptions { MaxSteps = 6 });
            var run = await agent.RunAsync([KimiMessage.User(Question)], ct);
            Assert.True(run.StopReason == KimiAgentStopReason.Completed, $"{run.StopReason}: {run.Exception}");
            return run.Text;
        }

        using var chat = new ChatClientBuilder(harness.Client.AsIChatClient())
            .UseFunctionInvocation(configure: f => f.IncludeDetailedErrors = detailedErrors)
            .Build();
        ChatMessage[] question = [new(ChatRole.User, Question)];
        var options = new ChatOptions { Tools = [.. tools] };
        var response = driver == Driver.ChatClientPipelineStreaming
            ? await chat.GetStreamingResponseAsync(question, options, ct).ToChatResponseAsync(ct)
            : await chat.GetResponseAsync(question, options, ct);
        return response.Text;
    }

    [Theory(Timeout = 60_000)]
    [InlineData(McpTransport.Http, Dialect.Moonshot, Driver.KimiAgent)]
    [InlineData(McpTransport.Http, Dialect.Moonshot, Driver.ChatClientPipeline)]
    [InlineData(McpTransport.Http, Dialect.Moonshot, Driver.ChatClientPipelineStreaming)]
    [InlineData(McpTransport.Http, Dialect.Vllm, Driver.KimiAgent)]
    [InlineData(McpTransport.Http, Dialect.Vllm, Driver.ChatClientPipeline)]
    [InlineData(McpTransport.Http, Dialect.Vllm, Driver.ChatClientPipelineStreaming)]
    [InlineData(McpTransport.Http, Dialect.OpenRouter, Driver.KimiAgent)]
    [InlineData(McpTransport.Http, Dialect.OpenRouter, Driver.ChatClientPipeline)]
    [InlineData(McpTransport.Http, Dialect.OpenRouter, Driver.ChatClientPipelineStreaming)]
    [InlineData(McpTransport.Stdio, Dialect.Moonshot, Driver.KimiAgent)]
    [InlineData(McpTransport.Stdio, Dialect.Moonshot, Driver.ChatClientPipeline)]
    [InlineData(McpTransport.Stdio, Dialect.Moonshot, Driver.ChatClientPipelineStreaming)]
    [InlineData(McpTransport.Stdio, Dialect.Vllm, Driver.KimiAgent)]
    [InlineData(McpTransport.Stdio, Dialect.Vllm, Driver.ChatClientPipeline)]
    [InlineData(McpTransport.Stdio, Dialect.Vllm, Driver.ChatClientPipelineStreaming)]
    public async Task Mcp_tools_run_a_thinking_tool_loop_with_reasoning_echoed_at_every_step(McpTransport transport, Dialect dialect, Driver driver)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var mcp = await McpConnection.OpenAsync(transport, ct);
        await using var harness = await KimiHarness.StartAsync(dialect);
        harness.Emulator.Enqueue(EmulatorReply.FromToolCalls(WeatherReasoning, new EmulatorToolCall("get_weather", """{"city":"Paris"}""")));
        harness.Emulator.Enqueue(EmulatorReply.FromToolCalls(ForecastReasoning, new EmulatorToolCall("get_forecast", """{"city":"Paris","days":2}""")));
        harness.Emulator.Enqueue(EmulatorReply.FromText(Answer, AnswerReasoning));
        var tools = await mcp.ToolsAsync(ct, "get_weather", "get_forecast");

        var text = await DriveAsync(driver, harness, tools, ct);

        Assert.Equal(Answer, text);
        Assert.Equal(3, harness.Emulator.Requests.Count);
        Assert.All(harness.Emulator.Requests, r => Assert.Equal(driver != Driver.ChatClientPipeline, r.Stream)); // KimiAgent streams by default
        harness.AssertThinkingAndReasoning(0);
        harness.AssertThinkingAndReasoning(1, WeatherReasoning);
        harness.AssertThinkingAndReasoning(2, WeatherReasoning, ForecastReasoning);

        // The server's own output reached the model, as plain text (McpClientTool hands back TextContent).
        var results = harness.ToolMessages(2);
        Assert.Equal(["Sunny, 21 °C in Paris", "Paris: rain for 2 days"], results.Select(m => m.GetProperty("content").GetString()));

        // The schemas the server generated went out as the server wrote them, less what the dialect refuses.
        var declared = harness.Emulator.Requests[0].Json.GetProperty("tools").EnumerateArray().Select(t => t.GetProperty("function")).ToArray();
        Assert.Equal(["get_weather", "get_forecast"], declared.Select(f => f.GetProperty("name").GetString()));
        Assert.Equal("integer", declared[1].GetProperty("parameters").GetProperty("properties").GetProperty("days").GetProperty("type").GetString());
    }

    [Theory(Timeout = 60_000)]
    [InlineData(Driver.KimiAgent)]
    [InlineData(Driver.ChatClientPipeline)]
    public async Task A_stdio_server_that_dies_mid_run_gives_the_model_tool_errors_and_the_run_still_ends_with_an_answer(Driver driver)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var mcp = await McpConnection.OpenAsync(McpTransport.Stdio, ct);
        await using var harness = await KimiHarness.StartAsync(Dialect.Moonshot);
        harness.Emulator.Enqueue(EmulatorReply.FromToolCalls(WeatherReasoning, new EmulatorToolCall("get_weather", """{"city":"Paris"}""")));
        harness.Emulator.Enqueue(EmulatorReply.FromToolCalls("Now crash it.", new EmulatorToolCall("crash", "{}")));
        harness.Emulator.Enqueue(EmulatorReply.FromToolCalls("That failed. Try the weather again.", new EmulatorToolCall("get_forecast", """{"city":"Paris","days":2}""")));
        harness.Emulator.Enqueue(EmulatorReply.FromText("The weather service is down; it was sunny earlier.", "The server is gone: say so."));
        var tools = await mcp.ToolsAsync(ct, "get_weather", "get_forecast", "crash");

        var text = await DriveAsync(driver, harness, tools, ct, detailedErrors: true);

        Assert.Equal("The weather service is down; it was sunny earlier.", text);
        Assert.Equal(4, harness.Emulator.Requests.Count);
        harness.AssertThinkingAndReasoning(3, WeatherReasoning, "Now crash it.", "That failed. Try the weather again.");
        var results = harness.ToolMessages(3).Select(m => m.GetProperty("content").GetString()!).ToArray();
        Assert.Equal("Sunny, 21 °C in Paris", results[0]);
        // Detailed errors say what happened (KimiAgent always; the pipeline with IncludeDetailedErrors).
        Assert.StartsWith("Error", results[1], StringComparison.Ordinal);
        // The server exited while answering: the SDK reports the closed transport or the exited process, whichever it sees first.
        Assert.Matches("transport was closed|server process exited", results[1]);
        Assert.StartsWith("Error", results[2], StringComparison.Ordinal);
        Assert.Contains("server process exited", results[2], StringComparison.Ordinal); // and is gone for the next call
    }

    [Theory(Timeout = 60_000)]
    [InlineData(Driver.KimiAgent)]
    [InlineData(Driver.ChatClientPipeline)]
    public async Task An_http_server_that_stops_mid_run_gives_the_model_a_tool_error_it_can_act_on(Driver driver)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var mcp = await McpConnection.OpenAsync(McpTransport.Http, ct);
        await using var harness = await KimiHarness.StartAsync(Dialect.Moonshot);
        var served = 0;
        harness.Emulator.Responder = request =>
        {
            switch (++served)
            {
                case 1:
                    return EmulatorReply.FromToolCalls(WeatherReasoning, new EmulatorToolCall("get_weather", """{"city":"Paris"}"""));
                case 2:
                    mcp.KillServerAsync().GetAwaiter().GetResult(); // the server dies between two tool calls
                    return EmulatorReply.FromToolCalls(ForecastReasoning, new EmulatorToolCall("get_forecast", """{"city":"Paris","days":2}"""));
                default:
                    return EmulatorReply.FromText("I could not get the forecast: the weather server is unreachable.", "The tool failed.");
            }
        };
        var tools = await mcp.ToolsAsync(ct, "get_weather", "get_forecast");

        var text = await DriveAsync(driver, harness, tools, ct, detailedErrors: true);

        Assert.Equal("I could not get the forecast: the weather server is unreachable.", text);
        harness.AssertThinkingAndReasoning(2, WeatherReasoning, ForecastReasoning);
        var results = harness.ToolMessages(2).Select(m => m.GetProperty("content").GetString()!).ToArray();
        Assert.Equal("Sunny, 21 °C in Paris", results[0]);
        Assert.StartsWith("Error", results[1], StringComparison.Ordinal);
        Assert.Contains("Connection refused", results[1], StringComparison.Ordinal);
    }

    [Theory(Timeout = 60_000)]
    [InlineData(Driver.KimiAgent)]
    [InlineData(Driver.ChatClientPipeline)]
    public async Task A_result_the_server_flags_as_an_error_reaches_the_model_with_the_flag(Driver driver)
    {
        // McpClientTool hands back the whole CallToolResult as JSON when isError is set, so the model sees the flag.
        var ct = TestContext.Current.CancellationToken;
        await using var mcp = await McpConnection.OpenAsync(McpTransport.Http, ct);
        await using var harness = await KimiHarness.StartAsync(Dialect.Moonshot);
        harness.Emulator.Enqueue(EmulatorReply.FromToolCalls("Find it.", new EmulatorToolCall("find_city", """{"name":"Atlantis"}""")));
        harness.Emulator.Enqueue(EmulatorReply.FromText("There is no such city.", "The server said no."));

        await DriveAsync(driver, harness, await mcp.ToolsAsync(ct, "find_city"), ct);

        using var result = System.Text.Json.JsonDocument.Parse(harness.ToolMessages(1).Single().GetProperty("content").GetString()!);
        Assert.True(result.RootElement.GetProperty("isError").GetBoolean());
        Assert.Equal("No city named Atlantis.", result.RootElement.GetProperty("content")[0].GetProperty("text").GetString());
    }
}

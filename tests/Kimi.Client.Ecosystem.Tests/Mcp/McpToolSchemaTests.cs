using System.Text.Json.Nodes;
using Kimi.Client.Agents;
using Kimi.Client.Ecosystem.Tests.Infrastructure;
using Kimi.Client.Testing;
using Microsoft.Extensions.AI;

namespace Kimi.Client.Ecosystem.Tests.Mcp;

/// <summary>
/// Schemas as an MCP server publishes them ($ref/$defs, anyOf, the schema <c>true</c>): rewritten into what Moonshot's schema
/// check accepts (the emulator applies it), or refused before sending with the tool and path named.
/// </summary>
public class McpToolSchemaTests
{
    [Theory(Timeout = 60_000)]
    [InlineData(McpTransport.Http)]
    [InlineData(McpTransport.Stdio)]
    public async Task Refs_and_unions_from_an_mcp_server_are_rewritten_for_Moonshot_and_the_tool_runs(McpTransport transport)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var mcp = await McpConnection.OpenAsync(transport, ct);
        await using var harness = await KimiHarness.StartAsync(Dialect.Moonshot);
        harness.Emulator.Enqueue(EmulatorReply.FromToolCalls("Look the order up.", new EmulatorToolCall("lookup_order", """{"order":"A17","fields":["status"]}""")));
        harness.Emulator.Enqueue(EmulatorReply.FromText("Order A17 has shipped.", "Done."));
        var agent = new KimiAgent(harness.Client, await mcp.ToolsAsync(ct, "lookup_order"));

        var run = await agent.RunAsync([KimiMessage.User("Where is order A17?")], ct);

        Assert.Equal(KimiAgentStopReason.Completed, run.StopReason);
        Assert.Equal("Order A17: shipped", harness.ToolMessages(1).Single().GetProperty("content").GetString());
        var sent = harness.Emulator.Requests[0].Json.GetProperty("tools")[0].GetProperty("function").GetProperty("parameters").GetRawText();
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""
            {"type":"object","properties":{
               "order":{"type":"string","pattern":"^A[0-9]+$","description":"The order to look up."},
               "fields":{"type":"array","items":{"enum":["status","total"],"type":"string"}},
               "since":{"anyOf":[{"type":"string","format":"date"},{"type":"null"}],"default":null}},
             "required":["order"]}
            """), JsonNode.Parse(sent)), sent);
    }

    [Theory(Timeout = 60_000)]
    [InlineData(Driver.KimiAgent)]
    [InlineData(Driver.ChatClientPipeline)]
    public async Task A_true_schema_property_from_an_mcp_server_is_refused_before_sending_to_Moonshot(Driver driver)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var mcp = await McpConnection.OpenAsync(McpTransport.Http, ct);
        await using var harness = await KimiHarness.StartAsync(Dialect.Moonshot);
        var tools = await mcp.ToolsAsync(ct, "store_value");

        var error = await Assert.ThrowsAsync<ArgumentException>(async () =>
        {
            if (driver == Driver.KimiAgent)
            {
                await new KimiAgent(harness.Client, tools).RunAsync([KimiMessage.User("Store x=1.")], ct); // a caller's mistake: thrown, not a stop reason
                return;
            }

            using var chat = new ChatClientBuilder(harness.Client.AsIChatClient()).UseFunctionInvocation().Build();
            await chat.GetResponseAsync([new ChatMessage(ChatRole.User, "Store x=1.")], new ChatOptions { Tools = [.. tools] }, ct);
        });

        Assert.Equal("MCP tool 'store_value': parameters.value is the schema true (any value), which has no \"type\", which Moonshot rejects. " +
            "Give it a typed schema such as {\"type\":\"string\"}, or remove the property. (Parameter 'tool')", error.Message);
        Assert.Empty(harness.Emulator.Requests);
    }

    [Fact(Timeout = 60_000)]
    public async Task The_same_true_schema_goes_to_vLLM_unchanged()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var mcp = await McpConnection.OpenAsync(McpTransport.Http, ct);
        await using var harness = await KimiHarness.StartAsync(Dialect.Vllm);
        harness.Emulator.Enqueue(EmulatorReply.FromText("Nothing to store.", "No call needed."));
        var agent = new KimiAgent(harness.Client, await mcp.ToolsAsync(ct, "store_value"));

        var run = await agent.RunAsync([KimiMessage.User("Hi")], ct);

        Assert.Equal(KimiAgentStopReason.Completed, run.StopReason);
        var sent = harness.Emulator.Requests[0].Json.GetProperty("tools")[0].GetProperty("function").GetProperty("parameters");
        Assert.Equal(System.Text.Json.JsonValueKind.True, sent.GetProperty("properties").GetProperty("value").ValueKind);
    }
}

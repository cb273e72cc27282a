using Kimi.Client.Ecosystem.Tests.Infrastructure;
using Kimi.Client.Testing;
using TestMcpServer;

namespace Kimi.Client.Ecosystem.Tests.Mcp;

/// <summary>
/// An MCP tool that returns an image content block: the image reaches the model as an image part where the provider takes
/// images (OpenAI-compatible tool messages are text only, so it follows the tool results in a user message), and as a
/// description where it does not.
/// </summary>
public class McpToolResultImageTests
{
    private const string Answer = "The chart shows one pixel.";

    private static async Task<KimiHarness> RunChartAsync(Dialect dialect, Driver driver, CancellationToken ct)
    {
        await using var mcp = await McpConnection.OpenAsync(McpTransport.Http, ct);
        var harness = await KimiHarness.StartAsync(dialect);
        harness.Emulator.Enqueue(EmulatorReply.FromToolCalls("Render the chart, then look at it.", new EmulatorToolCall("render_chart", """{"title":"Sales"}""")));
        harness.Emulator.Enqueue(EmulatorReply.FromText(Answer, "I see the image."));

        var text = await McpToolLoopTests.DriveAsync(driver, harness, await mcp.ToolsAsync(ct, "render_chart"), ct);

        Assert.Equal(Answer, text);
        Assert.Equal(2, harness.Emulator.Requests.Count);
        harness.AssertThinkingAndReasoning(1, "Render the chart, then look at it.");
        return harness;
    }

    [Theory(Timeout = 60_000)]
    [InlineData(Dialect.Moonshot, Driver.KimiAgent)]
    [InlineData(Dialect.Moonshot, Driver.ChatClientPipeline)]
    [InlineData(Dialect.Vllm, Driver.KimiAgent)]
    [InlineData(Dialect.Vllm, Driver.ChatClientPipeline)]
    public async Task An_image_from_an_mcp_tool_goes_to_an_image_taking_provider_as_an_image_part_after_the_tool_results(Dialect dialect, Driver driver)
    {
        await using var harness = await RunChartAsync(dialect, driver, TestContext.Current.CancellationToken);

        var messages = harness.Messages(1);
        Assert.Equal(["user", "assistant", "tool", "user"], messages.Select(m => m.GetProperty("role").GetString()));
        var callId = messages[1].GetProperty("tool_calls")[0].GetProperty("id").GetString();
        Assert.Equal(callId, messages[2].GetProperty("tool_call_id").GetString());
        Assert.Equal("Chart 'Sales'\n[Image 1: in the user message after the tool results]", messages[2].GetProperty("content").GetString());

        var parts = messages[3].GetProperty("content").EnumerateArray().ToArray();
        Assert.Equal(2, parts.Length);
        Assert.StartsWith($"Image 1, returned by tool call {callId}", parts[0].GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Equal("image_url", parts[1].GetProperty("type").GetString());
        Assert.Equal("data:image/png;base64," + Convert.ToBase64String(TestTools.Png), parts[1].GetProperty("image_url").GetProperty("url").GetString());
    }

    [Theory(Timeout = 60_000)]
    [InlineData(Driver.KimiAgent)]
    [InlineData(Driver.ChatClientPipeline)]
    public async Task A_provider_without_confirmed_image_input_gets_a_description_instead(Driver driver)
    {
        // DeepInfra's Kimi K2.6 image input is unconfirmed: without Media.AllowUnconfirmedImages no image part is sent.
        await using var harness = await RunChartAsync(Dialect.DeepInfra, driver, TestContext.Current.CancellationToken);

        var messages = harness.Messages(1);
        Assert.Equal(["user", "assistant", "tool"], messages.Select(m => m.GetProperty("role").GetString()));
        Assert.Equal(
            $"Chart 'Sales'\n[image/png image, {TestTools.Png.Length} bytes: not shown, DeepInfra cannot take it here]",
            messages[2].GetProperty("content").GetString());
        Assert.DoesNotContain("base64", harness.Emulator.Requests[1].Body, StringComparison.Ordinal);
    }
}

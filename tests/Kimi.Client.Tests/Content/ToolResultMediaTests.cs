using System.Text.Json;
using Kimi.Client.Agents;
using Kimi.Client.Testing;
using Kimi.Client.Tests.Agents;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace Kimi.Client.Tests.Content;

/// <summary>
/// Tool results that carry images (Microsoft.Extensions.AI <see cref="DataContent"/>, several contents, a tool message built
/// with parts): tool messages stay text on the wire, and the images follow the run of tool results in one user message, or
/// are described where the provider does not take them.
/// </summary>
public class ToolResultMediaTests
{
    private static readonly byte[] Png = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");
    private static readonly string PngUrl = "data:image/png;base64," + Convert.ToBase64String(Png);

    private static string[] Roles(EmulatorRequest request) =>
        [.. request.Json.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("role").GetString()!)];

    private static JsonElement Message(EmulatorRequest request, int index) => request.Json.GetProperty("messages")[index];

    [Fact(Timeout = 15_000)]
    public async Task Two_parallel_tools_returning_images_give_text_tool_messages_then_one_user_message_with_both_images()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = AgentHarness.Emulator();
        using var client = AgentHarness.InMemoryClient(emulator);
        emulator.Enqueue(EmulatorReply.FromToolCalls("Two snapshots.",
            new EmulatorToolCall("snapshot", """{"camera":"north"}"""), new EmulatorToolCall("snapshot", """{"camera":"south"}""")));
        emulator.Enqueue(EmulatorReply.FromText("Both clear.", "Seen."));
        var snapshot = AIFunctionFactory.Create((string camera) => new AIContent[] { new TextContent($"Camera {camera}"), new DataContent(Png, "image/png") }, "snapshot", "Takes a snapshot.");

        var run = await new KimiAgent(client, [snapshot]).RunAsync([KimiMessage.User("Check the cameras.")], ct);

        Assert.Equal(KimiAgentStopReason.Completed, run.StopReason);
        var request = emulator.Requests[1];
        Assert.Equal(["user", "assistant", "tool", "tool", "user"], Roles(request));
        Assert.Equal("Camera north\n[Image 1: in the user message after the tool results]", Message(request, 2).GetProperty("content").GetString());
        Assert.Equal("Camera south\n[Image 2: in the user message after the tool results]", Message(request, 3).GetProperty("content").GetString());
        var parts = Message(request, 4).GetProperty("content").EnumerateArray().ToArray();
        Assert.Equal("Image 1, returned by tool call snapshot_0 (snapshot):", parts[0].GetProperty("text").GetString());
        Assert.Equal(PngUrl, parts[1].GetProperty("image_url").GetProperty("url").GetString());
        Assert.Equal("Image 2, returned by tool call snapshot_1 (snapshot):", parts[2].GetProperty("text").GetString());
        Assert.Equal(PngUrl, parts[3].GetProperty("image_url").GetProperty("url").GetString());

        // The history keeps the image in the tool message itself, so a later call to another provider decides again.
        var tool = run.Messages.First(m => m.Role == MessageRole.Tool);
        Assert.IsType<ImagePart>(tool.Parts[^1]);
    }

    [Fact(Timeout = 15_000)]
    public async Task A_DataContent_result_in_the_chat_client_pipeline_is_sent_as_an_image_not_as_base64_text()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = AgentHarness.Emulator();
        using var client = AgentHarness.InMemoryClient(emulator);
        emulator.Enqueue(EmulatorReply.FromToolCalls("Take it.", new EmulatorToolCall("photo", "{}")));
        emulator.Enqueue(EmulatorReply.FromText("A photo.", "Seen."));
        using var chat = new ChatClientBuilder(client.AsIChatClient()).UseFunctionInvocation().Build();
        var photo = AIFunctionFactory.Create(() => new DataContent(Png, "image/png"), "photo", "Takes a photo.");

        await chat.GetResponseAsync([new ChatMessage(ChatRole.User, "Photo please.")], new ChatOptions { Tools = [photo] }, ct);

        var request = emulator.Requests[1];
        Assert.Equal(["user", "assistant", "tool", "user"], Roles(request));
        Assert.Equal("[Image 1: in the user message after the tool results]", Message(request, 2).GetProperty("content").GetString());
        Assert.Equal(PngUrl, Message(request, 3).GetProperty("content")[1].GetProperty("image_url").GetProperty("url").GetString());
        Assert.Equal(1, request.Body.Split(Convert.ToBase64String(Png)).Length - 1); // once, as the image; never also as text
    }

    [Fact(Timeout = 15_000)]
    public async Task Media_the_model_cannot_read_and_images_a_provider_does_not_take_are_described_with_a_warning()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = AgentHarness.Emulator(KimiProvider.DeepInfra);
        using var logs = new FakeLoggerProvider();
        using var loggerFactory = LoggerFactory.Create(b => b.AddProvider(logs));
        using var client = new KimiClient(new HttpClient(emulator.CreateHandler()), new KimiClientOptions
        {
            Provider = KimiProvider.DeepInfra,
            Endpoint = emulator.BaseAddress,
            ApiKey = "sk-test",
        }, loggerFactory);
        var history = new List<KimiMessage>
        {
            KimiMessage.User("Record and plot."),
            new(MessageRole.Assistant) { Reasoning = "Both tools.", ToolCalls = { new ToolCall("rec_0", "record", "{}"), new ToolCall("plot_1", "plot", "{}") } },
            ToolResultContent.From(new DataContent(new byte[] { 1, 2, 3 }, "audio/wav"), _ => "").ToMessage("rec_0", "record"),
            ToolResultContent.From(new AIContent[] { new TextContent("Plot:"), new DataContent(Png, "image/png") }, _ => "").ToMessage("plot_1", "plot"),
        };

        await client.CompleteAsync(history, cancellationToken: ct);

        var request = Assert.Single(emulator.Requests);
        Assert.Equal(["user", "assistant", "tool", "tool"], Roles(request));
        Assert.Equal("[audio/wav data, 3 bytes, not shown: the model reads text, images and video]", Message(request, 2).GetProperty("content").GetString());
        Assert.Equal($"Plot:\n[image/png image, {Png.Length} bytes: not shown, DeepInfra cannot take it here]", Message(request, 3).GetProperty("content").GetString());
        var warning = Assert.Single(logs.Collector.GetSnapshot(), r => r.Level == LogLevel.Warning);
        Assert.Contains("AllowUnconfirmedImages", warning.Message, StringComparison.Ordinal);
    }
}

using Kimi.Client.Tests.Infrastructure;
using Kimi.Client.Tests.Serialization;
using Microsoft.Extensions.AI;

namespace Kimi.Client.Tests.Platform;

/// <summary>Conformance 48b and 48f: Moonshot's token count with the chat serialization, and a local estimate elsewhere.</summary>
public class TokenCountTests
{
    [Fact(Timeout = 10_000)]
    public async Task Moonshot_counts_with_exactly_the_messages_and_model()
    {
        using var server = PlatformServer.Start("/v1/tokenizers/estimate-token-count", "POST", """{"data":{"total_tokens":19}}""");
        using var client = server.Client(KimiProvider.Moonshot);

        var count = await client.GetPlatformClient().EstimateTokensAsync(
            [KimiMessage.System("You are Kimi."), KimiMessage.User("Hello")], cancellationToken: TestContext.Current.CancellationToken);

        JsonAssert.Equal("""{"model":"kimi-k2.6","messages":[{"role":"system","content":"You are Kimi."},{"role":"user","content":"Hello"}]}""", server.Single.RequestMessage.Body!);
        Assert.Equal("POST", server.Single.RequestMessage.Method);
        Assert.Equal(19, count.TotalTokens);
        Assert.False(count.IsEstimate);
    }

    [Fact(Timeout = 10_000)]
    public async Task An_image_part_is_serialized_as_for_chat_and_tools_are_left_out_with_a_warning()
    {
        using var loggerFactory = RecordingServer.Logging(out var logs);
        using var server = PlatformServer.Start("/v1/tokenizers/estimate-token-count", "POST", """{"data":{"total_tokens":1100}}""");
        using var client = server.Client(KimiProvider.Moonshot, loggerFactory: loggerFactory);
        var png = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAIAAACQkWg2AAAAFklEQVR42mP4z8BAEmIY1TCqYfhqAACQ+f8B8u7oVwAAAABJRU5ErkJggg==");
        AIFunctionDeclaration[] tools = [AIFunctionFactory.CreateDeclaration("lookup", "Looks up.", System.Text.Json.JsonDocument.Parse("""{"type":"object","properties":{}}""").RootElement)];

        var count = await client.GetPlatformClient().EstimateTokensAsync(
            [KimiMessage.User(new TextPart("What is this?"), ImagePart.FromBytes(png, "image/png"))], tools, TestContext.Current.CancellationToken);

        var body = server.Single.RequestMessage.Body!;
        JsonAssert.Equal(
            $$$"""{"model":"kimi-k2.6","messages":[{"role":"user","content":[{"type":"text","text":"What is this?"},{"type":"image_url","image_url":{"url":"data:image/png;base64,{{{Convert.ToBase64String(png)}}}"}}]}]}""",
            body);
        foreach (var absent in new[] { "\"tools\"", "\"thinking\"", "\"stream\"", "\"temperature\"", "\"top_p\"", "max_completion_tokens", "max_tokens" })
        {
            Assert.DoesNotContain(absent, body);
        }

        Assert.Equal(1100, count.TotalTokens);
        Assert.Contains(logs.GetSnapshot(), r => r.Id.Name == "EstimateExcludesTools" && r.Level == Microsoft.Extensions.Logging.LogLevel.Warning);
    }

    [Fact(Timeout = 10_000)]
    public async Task An_answer_without_total_tokens_is_an_api_error()
    {
        using var server = PlatformServer.Start("/v1/tokenizers/estimate-token-count", "POST", """{"data":{}}""");
        using var client = server.Client(KimiProvider.Moonshot);

        var error = await Assert.ThrowsAsync<KimiApiException>(() => client.GetPlatformClient().EstimateTokensAsync([KimiMessage.User("Hello")], cancellationToken: TestContext.Current.CancellationToken));

        Assert.Contains("estimate response has no total_tokens", error.Message);
    }

    [Theory(Timeout = 10_000)]
    [InlineData("Vllm")]
    [InlineData("SGLang")]
    [InlineData("DeepInfra")]
    [InlineData("Nvidia")]
    [InlineData("Ollama")]
    public async Task Hosts_without_a_count_endpoint_get_a_local_estimate_and_send_nothing(string name)
    {
        var provider = KimiProvider.FromName(name);
        using var server = PlatformServer.Start("/never", "POST", "{}");
        using var client = server.Client(provider);
        var text = new string('a', 400); // 100 tokens at four characters each

        var count = await client.GetPlatformClient().EstimateTokensAsync([KimiMessage.User(text)], cancellationToken: TestContext.Current.CancellationToken);

        Assert.True(count.IsEstimate);
        Assert.Equal(104, count.TotalTokens); // 400 / 4 + 4 per message
        Assert.Equal(0, server.RequestCount);
    }

    [Fact(Timeout = 10_000)]
    public async Task The_local_estimate_counts_an_image_as_a_flat_1024_tokens()
    {
        using var server = PlatformServer.Start("/never", "POST", "{}");
        using var client = server.Client(KimiProvider.Vllm);
        var png = new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0 };

        var count = await client.GetPlatformClient().EstimateTokensAsync([KimiMessage.User(new TextPart("abcd"), ImagePart.FromBytes(png, "image/png"))], cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(1 + 4 + 1024, count.TotalTokens);
    }
}

using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Kimi.Client.Tests.Infrastructure;

public class SmokeTests
{
    [Fact(Timeout = 10_000)]
    public async Task A_plain_moonshot_call_round_trips_over_wiremock()
    {
        using var server = WireMockServer.Start();
        server.Given(Request.Create().WithPath("/v1/chat/completions").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithHeader("x-request-id", "req-1")
                .WithBody("""{"id":"c1","object":"chat.completion","model":"kimi-k2.6","choices":[{"index":0,"message":{"role":"assistant","content":"Hi","reasoning_content":"Think"},"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5}}"""));
        using var client = TestClients.For(KimiProvider.Moonshot, server.Url!);

        var completion = await client.CompleteAsync("Hello", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal("Hi", completion.Text);
        Assert.Equal("Think", completion.Reasoning);
        Assert.Equal("req-1", completion.RequestId);
        var body = server.LogEntries.Single().RequestMessage.Body!;
        JsonAssert.Equal("""{"model":"kimi-k2.6","messages":[{"role":"user","content":"Hello"}],"thinking":{"type":"enabled"},"max_completion_tokens":16000}""", body);
    }
}

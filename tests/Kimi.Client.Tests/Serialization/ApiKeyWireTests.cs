using Kimi.Client.Tests.Infrastructure;

namespace Kimi.Client.Tests.Serialization;

/// <summary>The key goes out as a bearer token and nowhere else: not in messages, <c>ToString()</c> or logs (conformance 32).</summary>
public class ApiKeyWireTests
{
    [Theory(Timeout = 10_000)]
    [MemberData(nameof(TestClients.Dialects), MemberType = typeof(TestClients))]
    public async Task The_key_is_sent_as_a_bearer_token_and_not_in_the_body(KimiProvider provider)
    {
        using var server = RecordingServer.Start(provider);
        using var client = server.Client(provider);

        await client.CompleteAsync("Hello", cancellationToken: TestContext.Current.CancellationToken);

        var request = server.Server.LogEntries.Single().RequestMessage;
        Assert.Equal($"Bearer {TestClients.ApiKey}", request.Headers!["Authorization"].Single());
        Assert.DoesNotContain(TestClients.ApiKey, request.Body);
        Assert.DoesNotContain(TestClients.ApiKey, request.Url);
    }

    [Theory(Timeout = 10_000)]
    [MemberData(nameof(TestClients.Dialects), MemberType = typeof(TestClients))]
    public async Task The_key_is_in_no_ToString(KimiProvider provider)
    {
        using var server = RecordingServer.Start(provider);
        using var client = server.Client(provider);
        var options = TestClients.Options(provider, server.Url);
        var completion = await client.CompleteAsync("Hello", cancellationToken: TestContext.Current.CancellationToken);

        Assert.DoesNotContain(TestClients.ApiKey, client.ToString());
        Assert.DoesNotContain(TestClients.ApiKey, options.ToString());
        Assert.DoesNotContain(TestClients.ApiKey, completion.Response!.ToString());
        Assert.Contains("ApiKey=(set)", options.ToString());
    }

    [Fact(Timeout = 10_000)]
    public async Task The_key_is_in_no_log_line_of_a_successful_call()
    {
        using var loggerFactory = RecordingServer.Logging(out var logs);
        using var server = RecordingServer.Start(KimiProvider.Moonshot);
        using var client = server.Client(KimiProvider.Moonshot, loggerFactory: loggerFactory);
        var toolTurn = new KimiMessage(MessageRole.Assistant);
        toolTurn.ToolCalls.Add(new ToolCall("get_weather_0", "get_weather", "{}"));

        // Sampling and a lost reasoning make the client log warnings too.
        await client.CompleteAsync(
            [KimiMessage.User("Hi"), toolTurn, KimiMessage.Tool("get_weather_0", "Sunny")],
            new ChatCompletionOptions { Temperature = 0.5f }, TestContext.Current.CancellationToken);

        var records = logs.GetSnapshot();
        Assert.NotEmpty(records);
        Assert.All(records, r => Assert.DoesNotContain(TestClients.ApiKey, r.Message + r.Exception));
    }

    [Fact(Timeout = 10_000)]
    public async Task A_server_that_echoes_the_key_does_not_leak_it_into_the_exception_or_logs()
    {
        using var loggerFactory = RecordingServer.Logging(out var logs);
        using var server = RecordingServer.StartFailing(401,
            $$$"""{"error":{"message":"Incorrect API key provided: {{{TestClients.ApiKey}}} (Authorization: Bearer {{{TestClients.ApiKey}}})","type":"invalid_authentication_error"}}""");
        using var client = server.Client(KimiProvider.Moonshot, loggerFactory: loggerFactory);

        var error = await Assert.ThrowsAnyAsync<KimiApiException>(() => client.CompleteAsync("Hello", cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(401, (int)error.Status);
        Assert.DoesNotContain(TestClients.ApiKey, error.Message);
        Assert.DoesNotContain(TestClients.ApiKey, error.ToString());
        Assert.All(logs.GetSnapshot(), r => Assert.DoesNotContain(TestClients.ApiKey, r.Message));
    }

    [Fact(Timeout = 10_000)]
    public async Task The_key_is_in_no_validation_message()
    {
        using var server = RecordingServer.Start(KimiProvider.Nvidia);
        using var client = server.Client(KimiProvider.Nvidia);

        var tooMany = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(
            () => client.CompleteAsync("Hello", new ChatCompletionOptions { MaxOutputTokens = 70_000 }, TestContext.Current.CancellationToken));
        var preserved = await Assert.ThrowsAsync<NotSupportedException>(
            () => client.CompleteAsync("Hello", new ChatCompletionOptions { Thinking = ThinkingMode.Preserved }, TestContext.Current.CancellationToken));

        Assert.DoesNotContain(TestClients.ApiKey, tooMany.ToString());
        Assert.DoesNotContain(TestClients.ApiKey, preserved.ToString());
    }
}

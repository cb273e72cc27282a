using Kimi.Client.Tests.Infrastructure;
using Microsoft.Extensions.AI;

namespace Kimi.Client.Tests.Serialization;

/// <summary>Plain bad input fails fast with an <see cref="ArgumentException"/> that says what to do, and nothing is sent.</summary>
public class RequestValidationTests
{
    [Theory(Timeout = 10_000)]
    [MemberData(nameof(TestClients.Dialects), MemberType = typeof(TestClients))]
    public async Task An_empty_conversation_is_rejected_before_sending(KimiProvider provider)
    {
        using var server = RecordingServer.Start(provider);
        using var client = server.Client(provider);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => client.CompleteAsync([], cancellationToken: TestContext.Current.CancellationToken));
        Assert.Throws<ArgumentException>(() => client.StreamAsync(Array.Empty<KimiMessage>(), cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal("messages", error.ParamName);
        Assert.Contains("KimiMessage.User", error.Message);
        Assert.Equal(0, server.RequestCount);
    }

    [Fact(Timeout = 10_000)]
    public async Task An_empty_prompt_is_rejected_before_sending()
    {
        using var server = RecordingServer.Start(KimiProvider.Moonshot);
        using var client = server.Client(KimiProvider.Moonshot);

        await Assert.ThrowsAsync<ArgumentException>(() => client.CompleteAsync(string.Empty, cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(0, server.RequestCount);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_null_message_is_rejected_naming_its_index()
    {
        using var server = RecordingServer.Start(KimiProvider.Moonshot);
        using var client = server.Client(KimiProvider.Moonshot);

        var error = await Assert.ThrowsAsync<ArgumentException>(
            () => client.CompleteAsync([KimiMessage.User("Hi"), null!], cancellationToken: TestContext.Current.CancellationToken));

        Assert.Contains("Message 1", error.Message);
        Assert.Equal(0, server.RequestCount);
    }

    [Theory(Timeout = 10_000)]
    [MemberData(nameof(TestClients.Dialects), MemberType = typeof(TestClients))]
    public async Task A_tool_message_without_ToolCallId_is_rejected_before_sending(KimiProvider provider)
    {
        using var server = RecordingServer.Start(provider);
        using var client = server.Client(provider);
        var orphan = new KimiMessage(MessageRole.Tool, "{\"weather\":\"Sunny\"}");

        var error = await Assert.ThrowsAsync<ArgumentException>(
            () => client.CompleteAsync([KimiMessage.User("Weather?"), orphan], cancellationToken: TestContext.Current.CancellationToken));

        Assert.Contains("Message 1", error.Message);
        Assert.Contains("ToolCallId", error.Message);
        Assert.Contains("KimiMessage.Tool(", error.Message);
        Assert.Equal(0, server.RequestCount);
    }

    [Fact(Timeout = 10_000)]
    public async Task Tool_calls_on_a_user_message_are_rejected_before_sending()
    {
        using var server = RecordingServer.Start(KimiProvider.Moonshot);
        using var client = server.Client(KimiProvider.Moonshot);
        var user = KimiMessage.User("Hi");
        user.ToolCalls.Add(new ToolCall("x", "get_weather", "{}"));

        var error = await Assert.ThrowsAsync<ArgumentException>(() => client.CompleteAsync([user], cancellationToken: TestContext.Current.CancellationToken));

        Assert.Contains("only assistant messages", error.Message);
        Assert.Equal(0, server.RequestCount);
    }

    [Fact(Timeout = 10_000)]
    public async Task Duplicate_tool_names_are_rejected_before_sending()
    {
        using var server = RecordingServer.Start(KimiProvider.Moonshot);
        using var client = server.Client(KimiProvider.Moonshot);
        var options = new ChatCompletionOptions();
        options.Tools.Add(AIFunctionFactory.Create((string city) => "Sunny", "get_weather"));
        options.Tools.Add(AIFunctionFactory.Create((string town) => "Rain", "get_weather"));

        var error = await Assert.ThrowsAsync<ArgumentException>(() => client.CompleteAsync("Hi", options, TestContext.Current.CancellationToken));

        Assert.Equal("options", error.ParamName);
        Assert.Contains("'get_weather'", error.Message);
        Assert.Contains("unique", error.Message);
        Assert.Equal(0, server.RequestCount);
    }

    [Theory(Timeout = 10_000)]
    [MemberData(nameof(TestClients.Dialects), MemberType = typeof(TestClients))]
    public async Task A_forced_tool_choice_without_tools_is_rejected_before_sending(KimiProvider provider)
    {
        using var server = RecordingServer.Start(provider);
        using var client = server.Client(provider);
        var options = new ChatCompletionOptions { ToolChoice = ToolChoice.Required, Thinking = ThinkingMode.Disabled };

        var error = await Assert.ThrowsAsync<ArgumentException>(() => client.CompleteAsync("Hi", options, TestContext.Current.CancellationToken));

        Assert.Contains("Tools is empty", error.Message);
        Assert.Contains("ToolChoice.Auto", error.Message);
        Assert.Equal(0, server.RequestCount);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_named_tool_choice_for_an_undeclared_tool_is_rejected_before_sending()
    {
        using var server = RecordingServer.Start(KimiProvider.Vllm);
        using var client = server.Client(KimiProvider.Vllm);
        var options = new ChatCompletionOptions { ToolChoice = ToolChoice.Function("get_time") };
        options.Tools.Add(AIFunctionFactory.Create((string city) => "Sunny", "get_weather"));

        var error = await Assert.ThrowsAsync<ArgumentException>(() => client.CompleteAsync("Hi", options, TestContext.Current.CancellationToken));

        Assert.Contains("'get_time'", error.Message);
        Assert.Contains("get_weather", error.Message);
        Assert.Equal(0, server.RequestCount);
    }

    [Fact(Timeout = 10_000)]
    public async Task An_image_in_a_system_message_is_rejected_before_sending()
    {
        using var server = RecordingServer.Start(KimiProvider.Moonshot);
        using var client = server.Client(KimiProvider.Moonshot);
        var system = KimiMessage.System("Look:");
        system.Parts.Add(ImagePart.FromBytes(new byte[] { 1, 2, 3 }, "image/png"));

        var error = await Assert.ThrowsAsync<ArgumentException>(() => client.CompleteAsync([system, KimiMessage.User("Hi")], cancellationToken: TestContext.Current.CancellationToken));

        Assert.Contains("user messages", error.Message);
        Assert.Equal(0, server.RequestCount);
    }

    [Theory(Timeout = 10_000)]
    [InlineData("Moonshot", "MOONSHOT_API_KEY")]
    [InlineData("DeepInfra", "DEEPINFRA_API_KEY")]
    [InlineData("Nvidia", "NVIDIA_API_KEY")]
    public async Task A_hosted_provider_without_a_key_fails_when_the_client_is_built_naming_the_variable(string providerName, string variable)
    {
        var provider = KimiProvider.FromName(providerName);
        // Reads, never writes, the environment: tests run in parallel.
        Assert.SkipWhen(!string.IsNullOrEmpty(Environment.GetEnvironmentVariable(variable)), $"{variable} is set on this machine.");

        var error = await RecordingServer.BuildThrowsAsync<ArgumentException>(() => TestClients.For(provider, "http://127.0.0.1:1", configure: o => o.ApiKey = null), TestContext.Current.CancellationToken);

        Assert.Contains("KimiClientOptions.ApiKey", error.Message);
        Assert.Contains(variable, error.Message);
    }

    [Theory(Timeout = 10_000)]
    [InlineData("Vllm")]
    [InlineData("SGLang")]
    public async Task A_self_hosted_server_without_a_key_is_called_without_authorization(string providerName)
    {
        Assert.SkipWhen(!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("KIMI_API_KEY")), "KIMI_API_KEY is set on this machine.");
        using var server = RecordingServer.Start(KimiProvider.FromName(providerName));
        using var client = server.Client(KimiProvider.FromName(providerName), o => o.ApiKey = null);

        await client.CompleteAsync("Hello", cancellationToken: TestContext.Current.CancellationToken);

        Assert.False(server.Server.LogEntries.Single().RequestMessage.Headers!.ContainsKey("Authorization"));
    }

    [Fact(Timeout = 10_000)]
    public async Task A_self_hosted_server_without_an_endpoint_fails_when_the_client_is_built()
    {
        var options = new KimiClientOptions { Provider = KimiProvider.Vllm, ApiKey = TestClients.ApiKey };

        var error = await RecordingServer.BuildThrowsAsync<ArgumentException>(() => new KimiClient(options), TestContext.Current.CancellationToken);

        Assert.Contains("Endpoint", error.Message);
        Assert.Contains("http://localhost:8000/v1", error.Message);
    }

    [Theory(Timeout = 10_000)]
    [InlineData("/v1")]
    [InlineData("ftp://host/v1")]
    public async Task An_endpoint_that_is_not_an_absolute_http_url_fails_when_the_client_is_built(string endpoint)
    {
        var options = new KimiClientOptions { Provider = KimiProvider.Vllm, Endpoint = new Uri(endpoint, UriKind.RelativeOrAbsolute) };

        var error = await RecordingServer.BuildThrowsAsync<ArgumentException>(() => new KimiClient(options), TestContext.Current.CancellationToken);

        Assert.Contains("absolute http(s) URL", error.Message);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_blank_model_fails_when_the_client_is_built()
    {
        var error = await RecordingServer.BuildThrowsAsync<ArgumentException>(() => TestClients.For(KimiProvider.Moonshot, "http://127.0.0.1:1", configure: o => o.Model = " "), TestContext.Current.CancellationToken);

        Assert.Contains("Model", error.Message);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_custom_model_id_is_sent_as_given()
    {
        using var server = RecordingServer.Start(KimiProvider.Vllm);
        using var client = server.Client(KimiProvider.Vllm, configure: o => o.Model = "kimi");

        await client.CompleteAsync("Hello", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal("kimi", System.Text.Json.Nodes.JsonNode.Parse(server.Body)!["model"]!.GetValue<string>());
    }
}

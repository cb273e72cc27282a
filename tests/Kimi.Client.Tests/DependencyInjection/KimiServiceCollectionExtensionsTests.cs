using System.Net;
using System.Text;
using Kimi.Client.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Kimi.Client.Tests.DependencyInjection;

/// <summary><c>services.AddKimiClient(…)</c>: binding, validation at start, the IHttpClientFactory pipeline, and a real call.</summary>
public class KimiServiceCollectionExtensionsTests
{
    private const string CompletionJson =
        """{"id":"c1","object":"chat.completion","model":"moonshotai/Kimi-K2.6","choices":[{"index":0,"message":{"role":"assistant","content":"Paris.","reasoning_content":"Capital of France."},"finish_reason":"stop"}],"usage":{"prompt_tokens":14,"completion_tokens":12,"total_tokens":26}}""";

    private static HostApplicationBuilder NewBuilder()
    {
        // No appsettings.json, environment variables or command line from the test machine.
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        return builder;
    }

    private static HostApplicationBuilder BuilderWith(Dictionary<string, string?> settings)
    {
        var builder = NewBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddKimiClient(builder.Configuration.GetSection("Kimi"));
        return builder;
    }

    [Fact(Timeout = 10_000)]
    public async Task A_json_configuration_section_resolves_a_client_for_that_provider_and_model()
    {
        var builder = NewBuilder();
        builder.Configuration.AddJsonFile(Path.Combine(AppContext.BaseDirectory, "DependencyInjection", "Fixtures", "appsettings.deepinfra.json"), optional: false);
        builder.Services.AddKimiClient(builder.Configuration.GetSection("Kimi"));
        using var host = builder.Build();
        await host.StartAsync(TestContext.Current.CancellationToken);

        var client = host.Services.GetRequiredService<KimiClient>();
        var options = host.Services.GetRequiredService<IOptions<KimiClientOptions>>().Value;

        Assert.Equal(KimiProvider.DeepInfra, client.Provider);
        Assert.Equal("moonshotai/Kimi-K2.6", client.Model);
        Assert.Equal(new Uri("https://kimi-gateway.example/v1/openai"), client.Endpoint);
        Assert.Equal(ThinkingMode.Disabled, options.Thinking);
        Assert.Equal(8000, options.MaxOutputTokens);
        Assert.Equal(TestClients.ApiKey, options.ApiKey);
        await host.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact(Timeout = 10_000)]
    public async Task An_in_memory_section_without_model_or_endpoint_uses_the_providers_defaults()
    {
        using var host = BuilderWith(new() { ["Kimi:Provider"] = "Nvidia", ["Kimi:ApiKey"] = TestClients.ApiKey }).Build();
        await host.StartAsync(TestContext.Current.CancellationToken);

        var client = host.Services.GetRequiredService<KimiClient>();

        Assert.Equal(KimiProvider.Nvidia, client.Provider);
        Assert.Equal("moonshotai/kimi-k2.6", client.Model);
        Assert.Equal(new Uri("https://integrate.api.nvidia.com/v1"), client.Endpoint);
        await host.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact(Timeout = 10_000)]
    public async Task Configuring_in_code_resolves_a_self_hosted_client()
    {
        var builder = NewBuilder();
        builder.Services.AddKimiClient(o =>
        {
            o.Provider = KimiProvider.SGLang;
            o.Endpoint = new Uri("http://gpu-box:30000/v1");
            o.Model = "kimi-k2.6-int4";
        });
        using var host = builder.Build();
        await host.StartAsync(TestContext.Current.CancellationToken);

        var client = host.Services.GetRequiredService<KimiClient>();

        Assert.Equal(KimiProvider.SGLang, client.Provider);
        Assert.Equal("kimi-k2.6-int4", client.Model);
        Assert.Equal(new Uri("http://gpu-box:30000/v1"), client.Endpoint);
        Assert.DoesNotContain(TestClients.ApiKey, client.ToString());
        await host.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact(Timeout = 10_000)]
    public async Task The_named_http_client_has_an_infinite_timeout_for_long_thinking_calls()
    {
        using var host = BuilderWith(new() { ["Kimi:Provider"] = "DeepInfra", ["Kimi:ApiKey"] = TestClients.ApiKey }).Build();
        await host.StartAsync(TestContext.Current.CancellationToken);

        var http = host.Services.GetRequiredService<IHttpClientFactory>().CreateClient(KimiServiceCollectionExtensions.HttpClientName);

        Assert.Equal(Timeout.InfiniteTimeSpan, http.Timeout);
        await host.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact(Timeout = 10_000)]
    public async Task The_returned_builder_adds_a_handler_that_sees_every_call()
    {
        var builder = NewBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Kimi:Provider"] = "DeepInfra",
            ["Kimi:ApiKey"] = TestClients.ApiKey,
        });
        var handler = new AnsweringHandler(CompletionJson);
        builder.Services.AddKimiClient(builder.Configuration.GetSection("Kimi")).AddHttpMessageHandler(() => handler);
        using var host = builder.Build();
        await host.StartAsync(TestContext.Current.CancellationToken);

        var completion = await host.Services.GetRequiredService<KimiClient>().CompleteAsync("Capital of France?", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal("Paris.", completion.Text);
        var request = Assert.Single(handler.Requests);
        Assert.Equal(new Uri("https://api.deepinfra.com/v1/openai/chat/completions"), request.Uri);
        Assert.Equal($"Bearer {TestClients.ApiKey}", request.Authorization);
        await host.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_call_through_the_di_client_works_end_to_end_over_http()
    {
        using var server = WireMockServer.Start();
        server.Given(Request.Create().WithPath("/v1/openai/chat/completions").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithHeader("x-request-id", "di-req-1").WithBody(CompletionJson));
        using var host = BuilderWith(new()
        {
            ["Kimi:Provider"] = "DeepInfra",
            ["Kimi:ApiKey"] = TestClients.ApiKey,
            ["Kimi:Endpoint"] = server.Url + "/v1/openai",
            ["Kimi:Thinking"] = "Disabled",
        }).Build();
        await host.StartAsync(TestContext.Current.CancellationToken);

        var completion = await host.Services.GetRequiredService<KimiClient>().CompleteAsync("Capital of France?", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal("Paris.", completion.Text);
        Assert.Equal("Capital of France.", completion.Reasoning);
        Assert.Equal("di-req-1", completion.RequestId);
        var entry = Assert.Single(server.LogEntries);
        Assert.Equal($"Bearer {TestClients.ApiKey}", entry.RequestMessage.Headers!["Authorization"].Single());
        Assert.Contains("\"model\":\"moonshotai/Kimi-K2.6\"", entry.RequestMessage.Body);
        Assert.Contains("\"reasoning_effort\":\"none\"", entry.RequestMessage.Body);
        await host.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact(Timeout = 10_000)]
    public async Task Errors_through_the_di_client_are_typed_and_logs_never_show_the_key()
    {
        using var server = WireMockServer.Start();
        server.Given(Request.Create().UsingPost())
            .RespondWith(Response.Create().WithStatusCode(401).WithHeader("Content-Type", "application/json")
                .WithBody($$$"""{"error":{"message":"Incorrect API key provided: {{{TestClients.ApiKey}}}","type":"incorrect_api_key_error"}}"""));
        using var logs = new FakeLoggerProvider();
        var builder = BuilderWith(new()
        {
            ["Kimi:Provider"] = "Moonshot",
            ["Kimi:ApiKey"] = TestClients.ApiKey,
            ["Kimi:Endpoint"] = server.Url + "/v1",
        });
        builder.Logging.SetMinimumLevel(LogLevel.Trace).AddProvider(logs); // would include IHttpClientFactory's header logging
        using var host = builder.Build();
        await host.StartAsync(TestContext.Current.CancellationToken);

        var ex = await Assert.ThrowsAsync<KimiAuthenticationException>(
            () => host.Services.GetRequiredService<KimiClient>().CompleteAsync("Hello", cancellationToken: TestContext.Current.CancellationToken));

        Assert.DoesNotContain(TestClients.ApiKey, ex.ToString());
        var records = logs.Collector.GetSnapshot();
        // The factory's header logs (raw Authorization in their structured state) are removed for our client; ours remain.
        Assert.DoesNotContain(records, r => r.Category?.StartsWith("System.Net.Http.HttpClient.Kimi.Client", StringComparison.Ordinal) == true);
        Assert.Contains(records, r => r.Category == "Kimi.Client.KimiClient" && r.Level == LogLevel.Debug);
        Assert.Contains(records, r => r.Level == LogLevel.Warning && r.Message.Contains("401", StringComparison.Ordinal));
        foreach (var record in records)
        {
            // Structured state too: sinks such as OpenTelemetry export it even when the message text is redacted.
            var fields = string.Join(", ", record.StructuredState ?? []);
            Assert.False(record.Message.Contains(TestClients.ApiKey, StringComparison.Ordinal) || fields.Contains(TestClients.ApiKey, StringComparison.Ordinal),
                $"The key leaked into a log record: {record.Category} {record.Level} \"{record.Message}\" {{{fields}}}");
        }

        await host.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_hosted_provider_without_a_key_fails_at_host_start_naming_the_setting_and_variable()
    {
        Assert.SkipWhen(!string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("DEEPINFRA_API_KEY")), "DEEPINFRA_API_KEY is set on this machine.");
        using var host = BuilderWith(new() { ["Kimi:Provider"] = "DeepInfra" }).Build();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains("Kimi:ApiKey is required for DeepInfra", ex.Message);
        Assert.Contains("DEEPINFRA_API_KEY", ex.Message);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_self_hosted_server_needs_no_key()
    {
        Assert.SkipWhen(!string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("KIMI_API_KEY")), "KIMI_API_KEY is set on this machine.");
        using var host = BuilderWith(new() { ["Kimi:Provider"] = "Vllm", ["Kimi:Endpoint"] = "http://localhost:8000/v1" }).Build();
        await host.StartAsync(TestContext.Current.CancellationToken);

        var client = host.Services.GetRequiredService<KimiClient>();

        Assert.Equal(KimiProvider.Vllm, client.Provider);
        Assert.Null(client.Settings.ApiKey);
        await host.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact(Timeout = 10_000)]
    public async Task Self_hosted_without_an_endpoint_fails_at_host_start_naming_the_setting()
    {
        using var host = BuilderWith(new() { ["Kimi:Provider"] = "Vllm" }).Build();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains("Kimi:Endpoint is required for self-hosted vLLM", ex.Message);
    }

    [Theory(Timeout = 10_000)]
    [InlineData("ftp://gpu-box/v1")]
    [InlineData("localhost:8000/v1")]
    [InlineData("file:///etc/kimi")]
    public async Task An_endpoint_that_is_not_http_fails_at_host_start_naming_the_setting(string endpoint)
    {
        using var host = BuilderWith(new() { ["Kimi:Provider"] = "Vllm", ["Kimi:Endpoint"] = endpoint }).Build();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains("Kimi:Endpoint must be an absolute http(s) URL", ex.Message);
    }

    [Theory(Timeout = 10_000)]
    [InlineData("https://gateway.example/v1?api-version=2026-01-01")]
    [InlineData("https://gateway.example/v1#chat")]
    public async Task An_endpoint_with_a_query_or_fragment_fails_at_host_start_instead_of_calling_a_wrong_url(string endpoint)
    {
        using var host = BuilderWith(new() { ["Kimi:Provider"] = "DeepInfra", ["Kimi:ApiKey"] = TestClients.ApiKey, ["Kimi:Endpoint"] = endpoint }).Build();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains("Kimi:Endpoint must be a base URL without a query string or fragment", ex.Message);
    }

    [Fact(Timeout = 10_000)]
    public async Task An_out_of_range_output_cap_fails_at_host_start_naming_the_setting()
    {
        using var host = BuilderWith(new() { ["Kimi:Provider"] = "DeepInfra", ["Kimi:ApiKey"] = TestClients.ApiKey, ["Kimi:MaxOutputTokens"] = "0" }).Build();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains("Kimi:MaxOutputTokens must be between 1 and 262144", ex.Message);
    }

    [Fact(Timeout = 10_000)]
    public async Task Code_configured_options_are_validated_at_start_too()
    {
        var builder = NewBuilder();
        builder.Services.AddKimiClient(o => o.Provider = KimiProvider.Vllm);
        using var host = builder.Build();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains("Kimi:Endpoint", ex.Message);
    }

    [Fact(Timeout = 10_000)]
    public async Task An_unknown_provider_name_fails_at_host_start_naming_the_setting()
    {
        using var host = BuilderWith(new() { ["Kimi:Provider"] = "OpenAI", ["Kimi:ApiKey"] = TestClients.ApiKey }).Build();

        var ex = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains("Provider", ex.Message);
    }

    [Fact(Timeout = 10_000)]
    public async Task Each_resolution_gets_a_client_and_they_share_the_settings()
    {
        using var host = BuilderWith(new() { ["Kimi:Provider"] = "Moonshot", ["Kimi:ApiKey"] = TestClients.ApiKey }).Build();
        await host.StartAsync(TestContext.Current.CancellationToken);

        var first = host.Services.GetRequiredService<KimiClient>();
        var second = host.Services.GetRequiredService<KimiClient>();

        Assert.Same(first.Settings, second.Settings);
        Assert.Equal("kimi-k2.6", first.Model);
        await host.StopAsync(TestContext.Current.CancellationToken);
    }

    /// <summary>Answers every request with a canned completion and records what was sent.</summary>
    private sealed class AnsweringHandler(string body) : DelegatingHandler
    {
        public List<(Uri? Uri, string? Authorization)> Requests { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests.Add((request.RequestUri, request.Headers.Authorization?.ToString()));
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, "application/json") });
        }
    }
}

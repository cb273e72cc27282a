using System.Text.Json.Nodes;
using Kimi.Client.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace Kimi.Client.Tests.Serialization;

/// <summary>The output-token cap goes out under each provider's field name and within its documented range (conformance 9).</summary>
public class TokenLimitWireTests
{
    public static TheoryData<KimiProvider, string, string> TokenField => new()
    {
        { KimiProvider.Moonshot, "max_completion_tokens", "max_tokens" },
        { KimiProvider.DeepInfra, "max_tokens", "max_completion_tokens" },
        { KimiProvider.Nvidia, "max_tokens", "max_completion_tokens" },
        { KimiProvider.Vllm, "max_completion_tokens", "max_tokens" },
        { KimiProvider.SGLang, "max_completion_tokens", "max_tokens" },
    };

    [Theory(Timeout = 10_000)]
    [MemberData(nameof(TokenField))]
    public async Task MaxOutputTokens_16000_is_sent_under_the_provider_field(KimiProvider provider, string field, string otherField)
    {
        using var server = RecordingServer.Start(provider);
        using var client = server.Client(provider);

        await client.CompleteAsync("Hello", new ChatCompletionOptions { MaxOutputTokens = 16000 }, TestContext.Current.CancellationToken);

        JsonAssert.Equal(ExpectedRequest.For(provider, $$"""{"{{field}}":16000}"""), server.Body);
        Assert.DoesNotContain($"\"{otherField}\"", server.Body);
    }

    [Theory(Timeout = 10_000)]
    [MemberData(nameof(TokenField))]
    public async Task The_client_default_cap_is_used_when_the_call_sets_none(KimiProvider provider, string field, string otherField)
    {
        using var server = RecordingServer.Start(provider);
        using var client = server.Client(provider, o => o.MaxOutputTokens = 4096);

        await client.CompleteAsync("Hello", cancellationToken: TestContext.Current.CancellationToken);

        JsonAssert.Equal(ExpectedRequest.For(provider, $$"""{"{{field}}":4096}"""), server.Body);
        Assert.DoesNotContain($"\"{otherField}\"", server.Body);
    }

    [Fact(Timeout = 10_000)]
    public async Task The_call_cap_wins_over_the_client_default()
    {
        using var server = RecordingServer.Start(KimiProvider.Moonshot);
        using var client = server.Client(KimiProvider.Moonshot, configure: o => o.MaxOutputTokens = 4096);

        await client.CompleteAsync("Hello", new ChatCompletionOptions { MaxOutputTokens = 100 }, TestContext.Current.CancellationToken);

        Assert.Equal(100, JsonNode.Parse(server.Body)!["max_completion_tokens"]!.GetValue<int>());
    }

    [Fact(Timeout = 10_000)]
    public async Task Nvidia_accepts_exactly_65536()
    {
        using var server = RecordingServer.Start(KimiProvider.Nvidia);
        using var client = server.Client(KimiProvider.Nvidia);

        await client.CompleteAsync("Hello", new ChatCompletionOptions { MaxOutputTokens = 65_536 }, TestContext.Current.CancellationToken);

        Assert.Equal(65_536, JsonNode.Parse(server.Body)!["max_tokens"]!.GetValue<int>());
    }

    [Fact(Timeout = 10_000)]
    public async Task Nvidia_above_65536_throws_naming_the_limit_before_sending()
    {
        using var server = RecordingServer.Start(KimiProvider.Nvidia);
        using var client = server.Client(KimiProvider.Nvidia);

        var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(
            () => client.CompleteAsync("Hello", new ChatCompletionOptions { MaxOutputTokens = 65_537 }, TestContext.Current.CancellationToken));

        Assert.Contains("65536", error.Message);
        Assert.Equal(0, server.RequestCount);
    }

    [Fact(Timeout = 10_000)]
    public async Task Nvidia_above_65536_as_the_client_default_is_rejected_when_the_client_is_built()
    {
        using var server = RecordingServer.Start(KimiProvider.Nvidia);

        var error = Assert.ThrowsAny<ArgumentException>(() => server.Client(KimiProvider.Nvidia, configure: o => o.MaxOutputTokens = 100_000));

        Assert.Contains("65536", error.Message);
        await Task.Delay(1, TestContext.Current.CancellationToken);
        Assert.Equal(0, server.RequestCount);
    }

    [Fact(Timeout = 10_000)]
    public async Task DeepInfra_above_16384_is_sent_with_a_warning()
    {
        using var loggerFactory = RecordingServer.Logging(out var logs);
        using var server = RecordingServer.Start(KimiProvider.DeepInfra);
        using var client = server.Client(KimiProvider.DeepInfra, loggerFactory: loggerFactory);

        var completion = await client.CompleteAsync("Hello", new ChatCompletionOptions { MaxOutputTokens = 20_000 }, TestContext.Current.CancellationToken);

        Assert.Equal(20_000, JsonNode.Parse(server.Body)!["max_tokens"]!.GetValue<int>());
        Assert.Equal("Paris.", completion.Text);
        var warning = Assert.Single(logs.GetSnapshot(), r => r.Level == LogLevel.Warning);
        Assert.Contains("16384", warning.Message);
        Assert.Contains("20000", warning.Message);
    }

    [Fact(Timeout = 10_000)]
    public async Task DeepInfra_at_16384_logs_no_warning()
    {
        using var loggerFactory = RecordingServer.Logging(out var logs);
        using var server = RecordingServer.Start(KimiProvider.DeepInfra);
        using var client = server.Client(KimiProvider.DeepInfra, loggerFactory: loggerFactory);

        await client.CompleteAsync("Hello", new ChatCompletionOptions { MaxOutputTokens = 16_384 }, TestContext.Current.CancellationToken);

        Assert.DoesNotContain(logs.GetSnapshot(), r => r.Level >= LogLevel.Warning);
    }

    [Theory(Timeout = 10_000)]
    [InlineData("Vllm")]
    [InlineData("Moonshot")]
    public async Task Providers_bound_only_by_the_context_send_large_caps(string providerName)
    {
        var provider = KimiProvider.FromName(providerName);
        using var server = RecordingServer.Start(provider);
        using var client = server.Client(provider);

        await client.CompleteAsync("Hello", new ChatCompletionOptions { MaxOutputTokens = 200_000 }, TestContext.Current.CancellationToken);

        Assert.Equal(200_000, JsonNode.Parse(server.Body)!["max_completion_tokens"]!.GetValue<int>());
    }

    [Theory(Timeout = 10_000)]
    [InlineData(0)]
    [InlineData(-1)]
    public async Task A_non_positive_call_cap_is_rejected_before_sending(int max)
    {
        using var server = RecordingServer.Start(KimiProvider.Vllm);
        using var client = server.Client(KimiProvider.Vllm);

        var error = await Assert.ThrowsAnyAsync<ArgumentException>(
            () => client.CompleteAsync("Hello", new ChatCompletionOptions { MaxOutputTokens = max }, TestContext.Current.CancellationToken));

        Assert.Contains("MaxOutputTokens", error.Message);
        Assert.Equal(0, server.RequestCount);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_negative_client_default_cap_is_rejected_when_the_client_is_built()
    {
        var error = await RecordingServer.BuildThrowsAsync<ArgumentException>(
            () => TestClients.For(KimiProvider.Moonshot, "http://127.0.0.1:1", configure: o => o.MaxOutputTokens = -5), TestContext.Current.CancellationToken);

        Assert.Contains("MaxOutputTokens", error.Message);
    }
}

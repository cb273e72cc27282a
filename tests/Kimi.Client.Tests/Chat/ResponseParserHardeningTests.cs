using System.Net;
using Kimi.Client.Tests.Infrastructure;
using Kimi.Client.Tests.Streaming;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Kimi.Client.Tests.Chat;

/// <summary>
/// Spec-review regressions for the response parser: out-of-range timestamps, flat error bodies with status 200,
/// bodies without choices, usage overflow and reasoning tokens reported outside completion tokens (conformance 19).
/// </summary>
public class ResponseParserHardeningTests
{
    private const string Choice = "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"OK\"},\"finish_reason\":\"stop\"}]";

    [Fact(Timeout = 10_000)]
    public async Task A_millisecond_created_timestamp_does_not_fail_the_call()
    {
        var completion = await CompleteAsync($$$$"""{"id":"c","created":1714000000000,"model":"kimi-k2.6",{{{{Choice}}}}}""", TestContext.Current.CancellationToken);

        Assert.Equal("OK", completion.Text);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1714000000000), completion.Created);
    }

    [Theory(Timeout = 10_000)]
    [InlineData("-9000000000000000000")]
    [InlineData("253402300800000000")]
    public async Task A_created_timestamp_out_of_range_is_ignored(string created)
    {
        var completion = await CompleteAsync($$$$"""{"id":"c","created":{{{{created}}}},{{{{Choice}}}}}""", TestContext.Current.CancellationToken);

        Assert.Equal("OK", completion.Text);
        Assert.Null(completion.Created);
    }

    [Fact(Timeout = 10_000)]
    public async Task Seconds_timestamps_are_still_seconds()
    {
        var completion = await CompleteAsync($$$$"""{"id":"c","created":99999999999,{{{{Choice}}}}}""", TestContext.Current.CancellationToken);

        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(99999999999), completion.Created);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_flat_object_error_body_with_status_200_throws_a_typed_error()
    {
        var exception = await Assert.ThrowsAsync<KimiBadRequestException>(() => CompleteAsync(
            """{"object":"error","message":"Sampling failed","type":"BadRequestError","param":null,"code":400}""", KimiProvider.Vllm, TestContext.Current.CancellationToken));

        Assert.Equal(HttpStatusCode.BadRequest, exception.Status);
        Assert.Equal("Sampling failed", exception.Error.Message);
        Assert.Equal("BadRequestError", exception.Error.Type);
    }

    [Theory(Timeout = 10_000)]
    [InlineData("{}")]
    [InlineData("""{"status":"ok"}""")]
    [InlineData("""{"id":"x","choices":null}""")]
    public async Task A_body_without_choices_or_error_is_a_format_error(string body)
    {
        var exception = await Assert.ThrowsAsync<KimiResponseFormatException>(() => CompleteAsync(body, TestContext.Current.CancellationToken));

        Assert.Contains("no choices", exception.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_streamed_request_answered_with_a_json_body_without_choices_is_a_format_error()
    {
        using var server = WireMockServer.Start();
        server.Given(Request.Create().UsingPost()).RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody("{}"));
        using var client = TestClients.For(KimiProvider.Moonshot, server.Url!);

        var exception = await Assert.ThrowsAsync<KimiResponseFormatException>(
            () => StreamReplay.CollectAsync(StreamReplay.Start(client, TestContext.Current.CancellationToken), TestContext.Current.CancellationToken));

        Assert.Contains("no choices", exception.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 10_000)]
    public async Task Usage_sums_above_int_range_clamp_instead_of_wrapping()
    {
        var completion = await CompleteAsync(
            $$$$"""{"id":"u",{{{{Choice}}}},"usage":{"prompt_tokens":2000000000,"completion_tokens":2000000000}}""", TestContext.Current.CancellationToken);

        var usage = completion.Usage!;
        Assert.Equal(2_000_000_000, usage.InputTokens);
        Assert.Equal(2_000_000_000, usage.OutputTokens);
        Assert.Equal(int.MaxValue, usage.TotalTokens);
    }

    [Fact(Timeout = 10_000)]
    public async Task Usage_counts_above_int_range_clamp_to_int_max()
    {
        var completion = await CompleteAsync(
            $$$$"""{"id":"u",{{{{Choice}}}},"usage":{"prompt_tokens":5000000000,"completion_tokens":3,"total_tokens":5000000003}}""", TestContext.Current.CancellationToken);

        Assert.Equal(int.MaxValue, completion.Usage!.InputTokens);
        Assert.Equal(int.MaxValue, completion.Usage.TotalTokens);
        Assert.Equal(3, completion.Usage.OutputTokens);
    }

    [Fact(Timeout = 10_000)]
    public async Task Reasoning_left_out_of_completion_tokens_is_repaired_when_the_total_includes_it()
    {
        // reasoning (30) < completion (84), but total = prompt + completion + reasoning: reasoning was reported outside.
        var completion = await CompleteAsync(
            $$$$"""{"id":"u",{{{{Choice}}}},"usage":{"prompt_tokens":10,"completion_tokens":84,"total_tokens":124,"completion_tokens_details":{"reasoning_tokens":30}}}""",
            TestContext.Current.CancellationToken);

        var usage = completion.Usage!;
        Assert.Equal((10, 114, 124, 30, 84), (usage.InputTokens, usage.OutputTokens, usage.TotalTokens, usage.ReasoningTokens, usage.TextOutputTokens));
    }

    [Fact(Timeout = 10_000)]
    public async Task Reasoning_inside_completion_tokens_is_left_alone()
    {
        var completion = await CompleteAsync(
            $$$$"""{"id":"u",{{{{Choice}}}},"usage":{"prompt_tokens":10,"completion_tokens":84,"total_tokens":94,"completion_tokens_details":{"reasoning_tokens":30}}}""",
            TestContext.Current.CancellationToken);

        var usage = completion.Usage!;
        Assert.Equal((10, 84, 94, 30, 54), (usage.InputTokens, usage.OutputTokens, usage.TotalTokens, usage.ReasoningTokens, usage.TextOutputTokens));
    }

    [Fact(Timeout = 10_000)]
    public async Task The_conformance_19_repair_still_applies_when_reasoning_exceeds_completion()
    {
        var completion = await CompleteAsync(
            $$$$"""{"id":"u",{{{{Choice}}}},"usage":{"prompt_tokens":5,"completion_tokens":84,"total_tokens":89,"completion_tokens_details":{"reasoning_tokens":1081}}}""",
            TestContext.Current.CancellationToken);

        var usage = completion.Usage!;
        Assert.Equal((1165, 1081, 84, 1170), (usage.OutputTokens, usage.ReasoningTokens, usage.TextOutputTokens, usage.TotalTokens));
    }

    private static Task<ChatCompletion> CompleteAsync(string body, CancellationToken cancellationToken) =>
        CompleteAsync(body, KimiProvider.Moonshot, cancellationToken);

    private static async Task<ChatCompletion> CompleteAsync(string body, KimiProvider provider, CancellationToken cancellationToken)
    {
        using var server = WireMockServer.Start();
        server.Given(Request.Create().UsingPost()).RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(body));
        using var client = TestClients.For(provider, server.Url!);
        return await client.CompleteAsync([KimiMessage.User("Hi")], cancellationToken: cancellationToken);
    }
}

using System.Diagnostics;
using Kimi.Client.AI;
using Kimi.Client.Testing;
using Microsoft.Extensions.AI;
using OpenTelemetry.Metrics;

namespace Kimi.Client.Tests.Diagnostics;

/// <summary>Spans and metrics under the OpenTelemetry GenAI conventions, read back through the in-memory exporter.</summary>
public class KimiTelemetryTests
{
    private static EmulatorReply Answer() => new()
    {
        Text = "Paris.",
        Reasoning = "The capital of France.",
        PromptTokens = 40,
        CompletionTokens = 12,
        ReasoningTokens = 5,
        CachedTokens = 8,
    };

    [Fact(Timeout = 20_000)]
    public async Task A_call_records_a_chat_span_with_the_GenAI_attributes_and_kimi_extras()
    {
        using var harness = new TelemetryHarness();
        harness.Emulator.Enqueue(Answer());

        var completion = await harness.Client.CompleteAsync("Capital of France?", cancellationToken: TestContext.Current.CancellationToken);

        var span = Assert.Single(harness.Spans());
        Assert.Equal("chat kimi-k2.6", span.DisplayName);
        Assert.Equal(ActivityKind.Client, span.Kind);
        Assert.Equal(KimiTelemetry.SourceName, span.Source.Name);
        Assert.Equal("chat", span.GetTagItem("gen_ai.operation.name"));
        Assert.Equal("moonshot", span.GetTagItem("gen_ai.provider.name"));
        Assert.Equal("kimi-k2.6", span.GetTagItem("gen_ai.request.model"));
        Assert.Equal(completion.Model, span.GetTagItem("gen_ai.response.model"));
        Assert.Equal(completion.Id, span.GetTagItem("gen_ai.response.id"));
        Assert.Equal(new[] { "stop" }, span.GetTagItem("gen_ai.response.finish_reasons"));
        Assert.Equal(40, span.GetTagItem("gen_ai.usage.input_tokens"));
        Assert.Equal(12, span.GetTagItem("gen_ai.usage.output_tokens"));
        Assert.Equal(5, span.GetTagItem("kimi.usage.reasoning_tokens"));
        Assert.Equal(8, span.GetTagItem("kimi.usage.cached_input_tokens"));
        Assert.Equal(80, span.GetTagItem("server.port"));
        Assert.Equal(1, span.GetTagItem("kimi.attempts"));
        var cost = Assert.IsType<double>(span.GetTagItem("kimi.cost_usd"));
        Assert.Equal((double)KimiPricing.ForProvider(KimiProvider.Moonshot)!.Cost(completion.Usage!), cost, 9);
        Assert.Null(span.GetTagItem("error.type"));
        Assert.Null(span.GetTagItem("gen_ai.input.messages"));
        Assert.Null(span.GetTagItem("gen_ai.output.messages"));
    }

    [Fact(Timeout = 20_000)]
    public async Task A_call_records_token_usage_by_type_and_its_duration()
    {
        using var harness = new TelemetryHarness();
        harness.Emulator.Enqueue(Answer());

        await harness.Client.CompleteAsync("Capital of France?", cancellationToken: TestContext.Current.CancellationToken);

        var usage = harness.Points("gen_ai.client.token.usage");
        Assert.Equal(2, usage.Count);
        var input = Assert.Single(usage, p => TelemetryHarness.Tag(p.Point, "gen_ai.token.type") as string == "input").Point;
        var output = Assert.Single(usage, p => TelemetryHarness.Tag(p.Point, "gen_ai.token.type") as string == "output").Point;
        Assert.Equal(40, input.GetHistogramSum());
        Assert.Equal(12, output.GetHistogramSum());
        Assert.Equal("moonshot", TelemetryHarness.Tag(input, "gen_ai.provider.name"));
        Assert.Equal("chat", TelemetryHarness.Tag(input, "gen_ai.operation.name"));
        var duration = Assert.Single(harness.Points("gen_ai.client.operation.duration")).Point;
        Assert.Equal(1, duration.GetHistogramCount());
        Assert.Empty(harness.Points("gen_ai.client.operation.time_to_first_chunk"));
        Assert.Single(harness.Points(KimiTelemetry.CostMetricName));
    }

    [Fact(Timeout = 20_000)]
    public async Task A_stream_span_ends_when_the_stream_ends_and_time_to_first_chunk_is_recorded()
    {
        using var harness = new TelemetryHarness(KimiProvider.DeepInfra);
        harness.Emulator.Enqueue(Answer());

        var stream = harness.Client.StreamAsync("Capital of France?", cancellationToken: TestContext.Current.CancellationToken);
        var first = true;
        await foreach (var update in stream)
        {
            if (first)
            {
                Assert.Empty(harness.Spans()); // still open while the stream runs
                first = false;
            }
        }

        var span = Assert.Single(harness.Spans());
        Assert.Equal("deepinfra", span.GetTagItem("gen_ai.provider.name"));
        Assert.Equal(12, span.GetTagItem("gen_ai.usage.output_tokens"));
        Assert.Equal(stream.Completion!.Id, span.GetTagItem("gen_ai.response.id"));
        Assert.Single(harness.Points("gen_ai.client.operation.time_to_first_chunk"));
        Assert.Equal(2, harness.Points("gen_ai.client.token.usage").Count);
    }

    [Fact(Timeout = 20_000)]
    public async Task A_stream_cut_midway_ends_its_span_with_the_error_type()
    {
        using var harness = new TelemetryHarness();
        var reply = Answer();
        reply.Fault = EmulatorStreamFault.Cut(2);
        harness.Emulator.Enqueue(reply);

        await Assert.ThrowsAsync<KimiStreamIncompleteException>(async () =>
        {
            await foreach (var update in harness.Client.StreamAsync("Capital of France?", cancellationToken: TestContext.Current.CancellationToken))
            {
            }
        });

        var span = Assert.Single(harness.Spans());
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Equal(typeof(KimiStreamIncompleteException).FullName, span.GetTagItem("error.type"));
        var duration = Assert.Single(harness.Points("gen_ai.client.operation.duration")).Point;
        Assert.Equal(typeof(KimiStreamIncompleteException).FullName, TelemetryHarness.Tag(duration, "error.type"));
        Assert.Empty(harness.Points("gen_ai.client.token.usage"));
    }

    [Fact(Timeout = 20_000)]
    public async Task A_stream_abandoned_by_its_reader_ends_its_span_on_dispose()
    {
        using var harness = new TelemetryHarness();
        harness.Emulator.Enqueue(Answer());

        await foreach (var update in harness.Client.StreamAsync("Capital of France?", cancellationToken: TestContext.Current.CancellationToken))
        {
            break;
        }

        var span = Assert.Single(harness.Spans());
        Assert.Equal(true, span.GetTagItem("kimi.abandoned"));
        Assert.NotEqual(ActivityStatusCode.Error, span.Status);
    }

    [Fact(Timeout = 20_000)]
    public async Task An_API_error_is_recorded_on_the_span_and_the_duration()
    {
        using var harness = new TelemetryHarness(configure: o => o.Resilience.MaxAttempts = 1);
        harness.Emulator.Enqueue(EmulatorReply.Error(400, """{"error":{"message":"bad","type":"invalid_request_error"}}"""));

        await Assert.ThrowsAsync<KimiBadRequestException>(() => harness.Client.CompleteAsync("Hi", cancellationToken: TestContext.Current.CancellationToken));

        var span = Assert.Single(harness.Spans());
        Assert.Equal(typeof(KimiBadRequestException).FullName, span.GetTagItem("error.type"));
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.DoesNotContain("sk-telemetry-secret", span.StatusDescription ?? string.Empty);
    }

    [Fact(Timeout = 20_000)]
    public async Task Content_goes_into_the_span_only_when_opted_in()
    {
        using var harness = new TelemetryHarness(configure: o => o.Telemetry.CaptureContent = true);
        harness.Emulator.Enqueue(Answer());

        await harness.Client.CompleteAsync("Capital of France?", cancellationToken: TestContext.Current.CancellationToken);

        var span = Assert.Single(harness.Spans());
        Assert.Equal("""[{"role":"user","parts":[{"type":"text","content":"Capital of France?"}]}]""", span.GetTagItem("gen_ai.input.messages"));
        Assert.Equal(
            """[{"role":"assistant","parts":[{"type":"reasoning","content":"The capital of France."},{"type":"text","content":"Paris."}],"finish_reason":"stop"}]""",
            span.GetTagItem("gen_ai.output.messages"));
    }

    [Theory(Timeout = 30_000)]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Under_MEAIs_UseOpenTelemetry_each_call_records_token_usage_once_and_one_chat_span(bool streaming)
    {
        using var harness = new TelemetryHarness();
        harness.Emulator.Enqueue(Answer());
        using var outer = new ActivitySource("Kimi.Client.Tests.Outer");
        using var chat = new ChatClientBuilder(harness.Client.AsIChatClient())
            .Use((messages, options, next, ct) =>
            {
                // Tags MEAI's span with this harness's host so the test can find it among other tests' spans.
                Activity.Current?.SetTag("kimi.test.host", harness.Host);
                return next(messages, options, ct);
            })
            .UseOpenTelemetry(sourceName: TelemetryHarness.MeaiSource)
            .Build();

        if (streaming)
        {
            await chat.GetStreamingResponseAsync("Capital of France?", cancellationToken: TestContext.Current.CancellationToken).ToChatResponseAsync(TestContext.Current.CancellationToken);
        }
        else
        {
            await chat.GetResponseAsync("Capital of France?", cancellationToken: TestContext.Current.CancellationToken);
        }

        var usage = harness.Points("gen_ai.client.token.usage");
        Assert.Equal(2, usage.Count); // one input and one output measurement, from MEAI's meter only
        Assert.All(usage, p => Assert.Equal(TelemetryHarness.MeaiSource, p.Meter));
        Assert.Single(harness.Points("gen_ai.client.operation.duration"));

        var span = Assert.Single(harness.Spans(), s => s.GetTagItem("gen_ai.operation.name") is "chat");
        Assert.Equal(TelemetryHarness.MeaiSource, span.Source.Name);
        Assert.Equal(5, span.GetTagItem("kimi.usage.reasoning_tokens")); // our extras land on MEAI's span
        Assert.Equal(1, span.GetTagItem("kimi.attempts"));
        Assert.DoesNotContain(harness.Spans(), s => s.Source.Name == KimiTelemetry.SourceName);
    }
}

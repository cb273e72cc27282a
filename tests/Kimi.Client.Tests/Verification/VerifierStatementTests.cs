using System.Text.Json;
using Kimi.Client.Testing;
using Kimi.Client.Tests.Infrastructure;
using Kimi.Client.Verification;

namespace Kimi.Client.Tests.Verification;

/// <summary>Conformance 47's further statements: exact probe requests, caps, cost accounting, errors, secrets, and the host description.</summary>
public class VerifierStatementTests
{
    private const string Pong = "Reply with the single word: pong";

    private static IEnumerable<EmulatorRequest> Chat(IEnumerable<EmulatorRequest> requests) => requests.Where(static r => r.Path.EndsWith("/chat/completions", StringComparison.Ordinal));

    [Fact(Timeout = 120_000)]
    public async Task P1_and_P6_send_exactly_the_specified_bodies_on_Moonshot()
    {
        var (_, requests) = await VerifierHarness.RunAsync("Moonshot", cancellationToken: TestContext.Current.CancellationToken);
        var chat = Chat(requests).ToArray();

        JsonAssert.Equal("""{"model":"kimi-k2.6","messages":[{"role":"user","content":"Reply with the single word: pong"}],"thinking":{"type":"disabled"},"max_completion_tokens":32}""", chat[0].Body);
        JsonAssert.Equal("""{"model":"kimi-k2.6","messages":[{"role":"user","content":"Reply with the single word: pong"}],"max_completion_tokens":1024}""", chat[1].Body);
        var p6 = chat.Where(static r => r.LastUserText == "Say 'OK' and nothing else." && !r.Body.Contains("\"role\":\"system\"", StringComparison.Ordinal)).ToArray();
        JsonAssert.Equal("""{"model":"kimi-k2.6","messages":[{"role":"user","content":"Say 'OK' and nothing else."}],"temperature":0.5,"max_completion_tokens":64}""", p6[0].Body);
        JsonAssert.Equal("""{"model":"kimi-k2.6","messages":[{"role":"user","content":"Say 'OK' and nothing else."}],"thinking":{"type":"disabled"},"top_p":0.8,"max_completion_tokens":16}""", p6[1].Body);
        Assert.Single(chat, static r => r.Body.Contains("\"temperature\"", StringComparison.Ordinal)); // the only pinned parameter sent to Moonshot
    }

    [Fact(Timeout = 120_000)]
    public async Task P6_logs_that_the_pinned_sampling_rule_is_bypassed()
    {
        using var loggerFactory = Serialization.RecordingServer.Logging(out var logs);
        await VerifierHarness.RunAsync("Moonshot", configure: o => o.LoggerFactory = loggerFactory, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Single(logs.GetSnapshot(), static r => r.Id.Name == "VerifierSamplingBypass");
    }

    [Fact(Timeout = 120_000)]
    public async Task P1_on_vllm_turns_thinking_off_with_the_template_switch_and_the_recommended_sampling()
    {
        var (_, requests) = await VerifierHarness.RunAsync("Vllm", cancellationToken: TestContext.Current.CancellationToken);

        JsonAssert.Equal(
            """{"model":"moonshotai/Kimi-K2.6","messages":[{"role":"user","content":"Reply with the single word: pong"}],"chat_template_kwargs":{"thinking":false},"max_completion_tokens":32,"temperature":0.6,"top_p":0.95}""",
            Chat(requests).First().Body);
    }

    [Fact(Timeout = 120_000)]
    public async Task P10_sends_the_fake_key_and_the_real_key_goes_in_no_P10_request()
    {
        var (_, requests) = await VerifierHarness.RunAsync("Moonshot", cancellationToken: TestContext.Current.CancellationToken);
        var chat = Chat(requests).ToArray();

        var fake = Assert.Single(chat, static r => r.Headers["Authorization"] == "Bearer sk-kimi-verify-invalid");
        Assert.Equal(Pong, fake.LastUserText);
        var badModel = Assert.Single(chat, static r => r.Model == "kimi-verify-no-such-model");
        Assert.Equal($"Bearer {VerifierHarness.Key}", badModel.Headers["Authorization"]);
        Assert.All(chat.Where(r => r != fake), static r => Assert.Equal($"Bearer {VerifierHarness.Key}", r.Headers["Authorization"]));
    }

    [Fact(Timeout = 120_000)]
    public async Task Every_probe_request_carries_its_cap()
    {
        var (_, requests) = await VerifierHarness.RunAsync("Moonshot", httpImage: true, configure: static o => o.IncludeVideo = true, cancellationToken: TestContext.Current.CancellationToken);

        foreach (var request in Chat(requests))
        {
            var cap = request.Json.GetProperty("max_completion_tokens").GetInt32();
            var prompt = request.LastUserText;
            var system = request.Body.Contains("\"role\":\"system\"", StringComparison.Ordinal);
            int[] allowed = prompt switch
            {
                Pong when request.Stream => [512],                                                     // P2 (and P7's stand-in)
                Pong => [32, 1024, 16],                                                                // P1 off / on, P10
                "Answer in one word." => [256],                                                        // P3
                "What is the weather in Paris right now? Use the tool." or "Say hello. Do not use any tool." => [512], // P4
                "Now check Berlin with the tool as well." => [256],                                    // P5
                "Say 'OK' and nothing else." when system => [8],                                       // P7
                "Say 'OK' and nothing else." => [64, 16],                                              // P6 on / off
                "One word: what colour is this image?" or "One word: what colour is this video?" => [8], // P9
                "Count from 1 to 60, separated by spaces." => [256],                                   // P12
                _ => [],
            };
            Assert.True(allowed.Contains(cap), $"'{prompt}' (stream {request.Stream}) went with cap {cap}");
        }
    }

    [Fact(Timeout = 120_000)]
    public async Task A_probe_token_total_is_the_sum_of_its_responses_usage()
    {
        static EmulatorReply? Usage(EmulatorRequest request) =>
            request.LastUserText == Pong && !request.Stream
                ? new EmulatorReply
                {
                    Text = "pong",
                    Reasoning = "pong it is",
                    PromptTokens = 20,
                    CompletionTokens = request.Body.Contains("\"disabled\"", StringComparison.Ordinal) ? 3 : 61,
                }
                : null;

        var (report, _) = await VerifierHarness.RunAsync("Moonshot", responder: Usage, cancellationToken: TestContext.Current.CancellationToken);

        var p1 = report.Check("P1");
        Assert.Equal(2, p1.Calls);
        Assert.Equal(40, p1.Tokens.InputTokens);
        Assert.Equal(64, p1.Tokens.OutputTokens);
        Assert.Equal(104, p1.Tokens.TotalTokens);
        Assert.Equal(0, p1.Tokens.CallsWithoutUsage);
        Assert.Equal(report.Checks.Sum(static c => c.Tokens.TotalTokens), report.Tokens.TotalTokens);
    }

    [Fact(Timeout = 120_000)]
    public async Task Calls_without_usage_are_counted_as_unknown_not_zero()
    {
        var (report, _) = await VerifierHarness.RunAsync("Moonshot", EmulatorDeviation.StreamUsageMissing, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(4, report.Check("P4").Tokens.CallsWithoutUsage); // the four streamed trials of eight
        Assert.Equal(1, report.Check("P2").Tokens.CallsWithoutUsage);
    }

    [Fact(Timeout = 120_000)]
    public async Task A_503_after_retries_is_an_error_never_a_deviation()
    {
        var failed = 0;
        EmulatorReply? Overloaded(EmulatorRequest request) =>
            request.LastUserText == Pong && request.Stream && Interlocked.Increment(ref failed) <= 2
                ? EmulatorReply.Error(503, """{"error":{"message":"The engine is currently overloaded","type":"engine_overloaded_error"}}""")
                : null;

        var (report, _) = await VerifierHarness.RunAsync("Moonshot", responder: Overloaded, cancellationToken: TestContext.Current.CancellationToken);

        Assert.True(failed >= 2, "both tries of P2's stream were answered 503");
        var p2 = report.Check("P2");
        Assert.Equal(KimiVerdict.Error, p2.Verdict);
        Assert.Contains("503", p2.Observed);
        Assert.DoesNotContain(report.Checks, static c => c.Verdict == KimiVerdict.Deviation);
        Assert.Equal(KimiVerdict.Pass, report.Check("P8").Verdict);
        Assert.True(report.HasFailures);
    }

    [Fact(Timeout = 120_000)]
    public async Task A_stream_cut_mid_way_is_an_error_and_P8_does_not_judge_it()
    {
        var cut = 0;
        EmulatorReply? Cut(EmulatorRequest request) =>
            request.LastUserText == Pong && request.Stream && Interlocked.Increment(ref cut) == 1
                ? new EmulatorReply { Text = "pong pong pong", Reasoning = "thinking about pong", Fault = EmulatorStreamFault.Cut(2) }
                : null;

        var (report, _) = await VerifierHarness.RunAsync("Moonshot", responder: Cut, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(KimiVerdict.Error, report.Check("P2").Verdict);
        Assert.Equal(KimiVerdict.Pass, report.Check("P8").Verdict);
        Assert.DoesNotContain(report.Checks, static c => c.Verdict == KimiVerdict.Deviation);
    }

    [Fact(Timeout = 120_000)]
    public async Task The_report_holds_no_key_no_authorization_header_and_no_request_body()
    {
        var (report, _) = await VerifierHarness.RunAsync("Moonshot", EmulatorDeviation.UnknownErrorEnvelope, cancellationToken: TestContext.Current.CancellationToken);

        var json = report.ToJson();
        Assert.DoesNotContain(VerifierHarness.Key, json);
        Assert.DoesNotContain("Authorization", json, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Bearer", json, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("\"messages\"", json);
        Assert.DoesNotContain("Reference line 1:", json); // the cache probe's long system prefix
        Assert.DoesNotContain(VerifierHarness.Key, report.ToString());
        using var document = JsonDocument.Parse(json);
        Assert.Equal(13, document.RootElement.GetProperty("checks").GetArrayLength());
        Assert.False(document.RootElement.GetProperty("passed").GetBoolean());
        Assert.Equal(1, document.RootElement.GetProperty("summary").GetProperty("deviation").GetInt32());
    }

    [Fact(Timeout = 120_000)]
    public async Task The_suggested_host_records_what_was_seen()
    {
        var (vllm, _) = await VerifierHarness.RunAsync("Vllm", cancellationToken: TestContext.Current.CancellationToken);
        var (inline, _) = await VerifierHarness.RunAsync("SGLang", EmulatorDeviation.ReasoningInline, cancellationToken: TestContext.Current.CancellationToken);
        var (pinned, _) = await VerifierHarness.RunAsync("Vllm", EmulatorDeviation.SamplingPinned, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal("Vllm", vllm.SuggestedHost.BasedOn);
        Assert.Equal("moonshotai/Kimi-K2.6", vllm.SuggestedHost.Model);
        Assert.Equal(["reasoning"], vllm.SuggestedHost.ReasoningWriteFields!);
        Assert.Equal(262144, vllm.SuggestedHost.ContextWindow);
        Assert.False(vllm.SuggestedHost.SamplingIsPinned);
        Assert.False(vllm.SuggestedHost.RequiresReasoningOnToolCallTurns);
        Assert.Equal(["x-request-id"], vllm.SuggestedHost.RequestIdHeaders!); // the profile's name for the header vLLM sends as X-Request-Id
        Assert.True(inline.SuggestedHost.InlineReasoning);
        Assert.True(pinned.SuggestedHost.SamplingIsPinned);
    }

    [Fact(Timeout = 120_000)]
    public async Task Progress_is_reported_as_each_probe_starts_and_ends()
    {
        var seen = new List<KimiVerificationProgress>();
        var progress = new SynchronousProgress(seen.Add);

        await VerifierHarness.RunAsync("Moonshot", configure: o => o.Progress = progress, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(26, seen.Count);
        Assert.All(seen, static p => Assert.Equal(13, p.Count));
        Assert.Null(seen[0].Check);
        Assert.Equal("P12", seen[^1].Check!.Probe);
    }

    private sealed class SynchronousProgress(Action<KimiVerificationProgress> report) : IProgress<KimiVerificationProgress>
    {
        public void Report(KimiVerificationProgress value) => report(value);
    }
}

using Kimi.Client.Testing;
using Kimi.Client.Verification;

namespace Kimi.Client.Tests.Verification;

/// <summary>
/// Conformance 47: against a conforming host every probe passes or reports a documented difference; each fault of the table
/// is reported as exactly one deviation, by the probe that owns it, and every other probe reports what it reported on the
/// conforming host — except a probe whose input the fault removed, which is Skipped.
/// </summary>
public class VerifierFaultTests
{
    [Theory(Timeout = 120_000)]
    [InlineData("Moonshot")]
    [InlineData("MoonshotChina")]
    [InlineData("Vllm")]
    [InlineData("SGLang")]
    [InlineData("Nvidia")]
    [InlineData("DeepInfra")]
    [InlineData("Ollama")]
    [InlineData("OllamaCloud")]
    [InlineData("CloudflareWorkersAI")]
    [InlineData("OpenRouter")]
    public async Task A_conforming_host_gets_only_pass_and_info(string provider)
    {
        var report = await VerifierHarness.ConformingAsync(provider, TestContext.Current.CancellationToken);

        Assert.True(report.Checks.All(static c => c.Verdict is KimiVerdict.Pass or KimiVerdict.Info), report.Describe());
        Assert.Equal(["P0", "P1", "P2", "P3", "P4", "P5", "P6", "P7", "P8", "P9", "P10", "P11", "P12"], report.Checks.Select(static c => c.Probe));
        Assert.False(report.HasFailures);
    }

    [Fact(Timeout = 120_000)]
    public async Task KTransformers_as_its_tutorials_start_it_is_told_that_tool_calls_arrive_as_text()
    {
        // The KTransformers dialect is a server started without --tool-call-parser (the documented default): that is
        // exactly one deviation, named by the tool-call probe, and nothing else.
        var report = await VerifierHarness.ConformingAsync("KTransformers", TestContext.Current.CancellationToken);

        var failing = Assert.Single(report.Checks, static c => c.Verdict is not (KimiVerdict.Pass or KimiVerdict.Info or KimiVerdict.Skipped));
        Assert.Equal("P4", failing.Probe);
        Assert.Contains("tools.raw-markers", failing.Codes);
        Assert.Equal(KimiVerdict.Skipped, report.Checks.Single(static c => c.Probe == "P5").Verdict);
    }

    [Fact(Timeout = 120_000)]
    public async Task Known_differences_of_vllm_are_info_not_deviations()
    {
        var report = await VerifierHarness.ConformingAsync("Vllm", TestContext.Current.CancellationToken);

        Assert.Equal(KimiVerdict.Info, report.Check("P2").Verdict); // reasoning arrives as `reasoning`
        Assert.Equal(["reasoning.field-name"], report.Check("P2").Codes);
        Assert.Equal(KimiVerdict.Info, report.Check("P3").Verdict); // the bare round-trip is accepted
        Assert.Equal(["roundtrip.not-enforced"], report.Check("P3").Codes);
        Assert.Equal(KimiVerdict.Info, report.Check("P6").Verdict); // free sampling
        Assert.Equal(["sampling.not-pinned"], report.Check("P6").Codes);
        foreach (var probe in new[] { "P0", "P1", "P4", "P5", "P7", "P8", "P10", "P11", "P12" })
        {
            Assert.Equal(KimiVerdict.Pass, report.Check(probe).Verdict);
        }
    }

    [Fact(Timeout = 120_000)]
    public async Task KTransformers_without_tool_recovery_is_told_to_turn_it_on_and_with_it_conforms()
    {
        var (plain, _) = await VerifierHarness.RunAsync("KTransformers", cancellationToken: TestContext.Current.CancellationToken);
        var (recovering, _) = await VerifierHarness.RunAsync("KTransformers", cancellationToken: TestContext.Current.CancellationToken,
            profile: static p => p with { RecoverToolCallsFromText = true });

        var deviation = Assert.Single(plain.Checks, static c => c.Verdict == KimiVerdict.Deviation);
        Assert.Equal(("P4", "tools.raw-markers"), (deviation.Probe, deviation.Codes.Single()));
        Assert.True(plain.SuggestedHost.RecoverToolCallsFromText);
        Assert.True(plain.SuggestedHost.InlineReasoning);
        Assert.True(recovering.Checks.All(static c => c.Verdict is KimiVerdict.Pass or KimiVerdict.Info), recovering.Describe());
        Assert.Equal(["reasoning.inline-tags"], recovering.Check("P2").Codes);
        Assert.Equal(["tools.raw-markers"], recovering.Check("P4").Codes);
    }

    [Fact(Timeout = 120_000)]
    public async Task Moonshot_passes_every_probe_as_the_reference()
    {
        var report = await VerifierHarness.ConformingAsync("Moonshot", TestContext.Current.CancellationToken);

        Assert.True(report.Checks.All(static c => c.Verdict == KimiVerdict.Pass), report.Describe());
    }

    [Theory(Timeout = 120_000)]
    [InlineData(1, "Moonshot", EmulatorDeviation.ThinkingOffIgnored, "P1", "thinking.off-ignored", "")]
    [InlineData(2, "Moonshot", EmulatorDeviation.ThinkingOnIgnored, "P1", "thinking.on-ignored", "P2")]
    [InlineData(3, "Vllm", EmulatorDeviation.ThinkingSwitchRejected, "P1", "thinking.switch-rejected", "")]
    [InlineData(4, "Moonshot", EmulatorDeviation.ReasoningInOtherField, "P2", "reasoning.field-unexpected", "")]
    [InlineData(5, "SGLang", EmulatorDeviation.ReasoningInline, "P2", "reasoning.inline-tags", "")]
    [InlineData(6, "Vllm", EmulatorDeviation.ReasoningRoundTripRejected, "P3", "roundtrip.rejected", "")]
    [InlineData(7, "Moonshot", EmulatorDeviation.ReasoningRoundTripNotEnforced, "P3", "roundtrip.not-enforced", "")]
    [InlineData(8, "Vllm", EmulatorDeviation.ToolCallsFinishWithStop, "P4", "tools.finish-reason", "")]
    [InlineData(9, "Moonshot", EmulatorDeviation.InvalidToolArguments, "P4", "tools.schema-invalid", "")]
    [InlineData(10, "Moonshot", EmulatorDeviation.NeverCallsTools, "P4", "tools.trigger", "P5")]
    [InlineData(11, "SGLang", EmulatorDeviation.ToolCallsAsText, "P4", "tools.raw-markers", "P5")]
    [InlineData(12, "Vllm", EmulatorDeviation.ToolCallIdsRewritten, "P5", "ids.format-unexpected", "")]
    [InlineData(13, "Vllm", EmulatorDeviation.ForeignToolCallIdsRejected, "P5", "ids.not-echoable", "")]
    [InlineData(14, "Vllm", EmulatorDeviation.SamplingPinned, "P6", "sampling.pinned-unexpectedly", "")]
    [InlineData(15, "Moonshot", EmulatorDeviation.SamplingNotPinned, "P6", "sampling.not-pinned", "")]
    [InlineData(16, "Moonshot", EmulatorDeviation.StreamUsageMissing, "P7", "usage.missing", "")]
    [InlineData(17, "Moonshot", EmulatorDeviation.StreamPromptTokensInflated, "P7", "usage.prompt-tokens", "")]
    [InlineData(18, "Moonshot", EmulatorDeviation.NoCachedTokens, "P7", "cache.none", "")]
    [InlineData(19, "Moonshot", EmulatorDeviation.StreamWithoutDone, "P8", "stream.no-done", "")]
    [InlineData(20, "Moonshot", EmulatorDeviation.ImagesRejected, "P9", "media.image-rejected", "")]
    [InlineData(21, "Moonshot", EmulatorDeviation.HttpImageUrlsAccepted, "P9", "media.url-policy", "")]
    [InlineData(22, "Vllm", EmulatorDeviation.UnknownModelServerError, "P10", "errors.status", "")]
    [InlineData(23, "Moonshot", EmulatorDeviation.UnknownErrorEnvelope, "P10", "errors.envelope", "")]
    [InlineData(24, "Nvidia", EmulatorDeviation.NoRequestIdHeader, "P11", "requestid.missing", "")]
    public async Task Each_fault_is_one_deviation_named_by_the_probe_that_owns_it(int row, string provider, EmulatorDeviation fault, string probe, string code, string skipped)
    {
        var httpImage = row == 21;
        var conforming = await VerifierHarness.ConformingAsync(provider, TestContext.Current.CancellationToken, httpImage);

        var (report, _) = await VerifierHarness.RunAsync(provider, fault, httpImage, cancellationToken: TestContext.Current.CancellationToken);

        var deviation = Assert.Single(report.Checks, static c => c.Verdict == KimiVerdict.Deviation);
        Assert.True(deviation.Probe == probe, $"row {row}: expected {probe}, got {deviation}\n{report.Describe()}");
        Assert.Equal([code], deviation.Codes);
        var skips = skipped.Split(',', StringSplitOptions.RemoveEmptyEntries);
        foreach (var check in report.Checks.Where(c => c.Probe != probe))
        {
            var expected = skips.Contains(check.Probe) ? KimiVerdict.Skipped : conforming.Check(check.Probe).Verdict;
            Assert.True(expected == check.Verdict, $"row {row}: {check.Probe} is {check.Verdict}, expected {expected}\n{report.Describe()}");
        }

        Assert.True(report.HasFailures);
    }
}

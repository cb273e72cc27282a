using System.Text.Json;
using Kimi.Client.Testing;

namespace Kimi.Client.Cli.Tests;

/// <summary>
/// <c>kimi verify</c> as a process: passes against every emulator dialect, and each deviation switched on in the emulator is
/// reported as one deviation by the probe meant for it (conformance 47's table), with exit code 1 and a JSON report.
/// </summary>
public class VerifyProcessTests
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
    public async Task Verify_passes_offline_against_each_emulator_dialect(string provider)
    {
        var result = await KimiProcess.RunAsync(["verify", "--provider", provider, "--json", "-"], cancellationToken: TestContext.Current.CancellationToken);

        Assert.True(result.ExitCode == 0, result.Error + result.Out);
        Assert.Contains("answering offline from the built-in Kimi emulator", result.Error);
        using var report = JsonDocument.Parse(result.Out);
        var root = report.RootElement;
        Assert.True(root.GetProperty("passed").GetBoolean());
        Assert.Equal(provider, root.GetProperty("provider").GetString());
        Assert.Equal(13, root.GetProperty("checks").GetArrayLength());
        Assert.Equal(0, root.GetProperty("summary").GetProperty("deviation").GetInt32());
        foreach (var check in root.GetProperty("checks").EnumerateArray())
        {
            foreach (var field in new[] { "probe", "name", "verdict", "codes", "expected", "observed", "calls", "tokens" })
            {
                Assert.True(check.TryGetProperty(field, out _), $"check without '{field}'");
            }

            Assert.Contains(check.GetProperty("verdict").GetString(), new[] { "pass", "info" });
        }
    }

    [Theory(Timeout = 120_000)]
    [InlineData("Moonshot", EmulatorDeviation.ThinkingOffIgnored, "P1", "thinking.off-ignored")]
    [InlineData("Moonshot", EmulatorDeviation.ThinkingOnIgnored, "P1", "thinking.on-ignored")]
    [InlineData("Vllm", EmulatorDeviation.ThinkingSwitchRejected, "P1", "thinking.switch-rejected")]
    [InlineData("Moonshot", EmulatorDeviation.ReasoningInOtherField, "P2", "reasoning.field-unexpected")]
    [InlineData("SGLang", EmulatorDeviation.ReasoningInline, "P2", "reasoning.inline-tags")]
    [InlineData("Vllm", EmulatorDeviation.ReasoningRoundTripRejected, "P3", "roundtrip.rejected")]
    [InlineData("Moonshot", EmulatorDeviation.ReasoningRoundTripNotEnforced, "P3", "roundtrip.not-enforced")]
    [InlineData("Vllm", EmulatorDeviation.ToolCallsFinishWithStop, "P4", "tools.finish-reason")]
    [InlineData("Moonshot", EmulatorDeviation.InvalidToolArguments, "P4", "tools.schema-invalid")]
    [InlineData("Moonshot", EmulatorDeviation.NeverCallsTools, "P4", "tools.trigger")]
    [InlineData("SGLang", EmulatorDeviation.ToolCallsAsText, "P4", "tools.raw-markers")]
    [InlineData("Vllm", EmulatorDeviation.ToolCallIdsRewritten, "P5", "ids.format-unexpected")]
    [InlineData("Vllm", EmulatorDeviation.ForeignToolCallIdsRejected, "P5", "ids.not-echoable")]
    [InlineData("Vllm", EmulatorDeviation.SamplingPinned, "P6", "sampling.pinned-unexpectedly")]
    [InlineData("Moonshot", EmulatorDeviation.SamplingNotPinned, "P6", "sampling.not-pinned")]
    [InlineData("Moonshot", EmulatorDeviation.StreamUsageMissing, "P7", "usage.missing")]
    [InlineData("Moonshot", EmulatorDeviation.StreamPromptTokensInflated, "P7", "usage.prompt-tokens")]
    [InlineData("Moonshot", EmulatorDeviation.NoCachedTokens, "P7", "cache.none")]
    [InlineData("Moonshot", EmulatorDeviation.StreamWithoutDone, "P8", "stream.no-done")]
    [InlineData("Moonshot", EmulatorDeviation.ImagesRejected, "P9", "media.image-rejected")]
    [InlineData("Moonshot", EmulatorDeviation.HttpImageUrlsAccepted, "P9", "media.url-policy")]
    [InlineData("Vllm", EmulatorDeviation.UnknownModelServerError, "P10", "errors.status")]
    [InlineData("Moonshot", EmulatorDeviation.UnknownErrorEnvelope, "P10", "errors.envelope")]
    [InlineData("Nvidia", EmulatorDeviation.NoRequestIdHeader, "P11", "requestid.missing")]
    public async Task Each_emulator_deviation_is_named_by_exactly_the_probe_meant_for_it(string provider, EmulatorDeviation deviation, string probe, string code)
    {
        var result = await KimiProcess.RunAsync(["verify", "--provider", provider, "--http-image", "--json", "-"],
            environment: new Dictionary<string, string> { ["KIMI_EMULATOR_DEVIATIONS"] = deviation.ToString() }, cancellationToken: TestContext.Current.CancellationToken);

        Assert.True(result.ExitCode == 1, $"exit {result.ExitCode}\n{result.Error}");
        using var report = JsonDocument.Parse(result.Out);
        var deviations = report.RootElement.GetProperty("checks").EnumerateArray().Where(static c => c.GetProperty("verdict").GetString() == "deviation").ToArray();
        var only = Assert.Single(deviations);
        Assert.Equal(probe, only.GetProperty("probe").GetString());
        Assert.Equal([code], only.GetProperty("codes").EnumerateArray().Select(static c => c.GetString()!));
        Assert.Contains($"{probe} ", result.Error); // the progress line of that probe
        Assert.Contains(deviation.ToString(), result.Error);
    }

    [Fact(Timeout = 120_000)]
    public async Task Verify_over_loopback_http_reports_a_deviation_with_exit_code_1_and_never_prints_the_key()
    {
        const string key = "sk-live-SENTINEL-93c1";
        await using var emulator = new KimiEmulator(new KimiEmulatorOptions { Provider = KimiProvider.Moonshot, ApiKey = key });
        emulator.Options.Deviations.Add(EmulatorDeviation.SamplingNotPinned);
        var endpoint = await emulator.StartAsync(TestContext.Current.CancellationToken);
        var json = Path.Combine(Path.GetTempPath(), $"kimi-verify-{Guid.NewGuid():N}.json");
        try
        {
            var result = await KimiProcess.RunAsync(["verify", "--provider", "Moonshot", "--endpoint", endpoint.ToString(), "--json", json, "--trials", "4"],
                environment: new Dictionary<string, string> { ["MOONSHOT_API_KEY"] = key }, cancellationToken: TestContext.Current.CancellationToken);

            Assert.Equal(1, result.ExitCode);
            Assert.DoesNotContain("emulator", result.Error); // a real endpoint was given
            Assert.Contains("P6", result.Out);
            Assert.Contains("sampling.not-pinned", result.Out);
            var text = await File.ReadAllTextAsync(json, TestContext.Current.CancellationToken);
            Assert.DoesNotContain(key, text + result.Out + result.Error);
            Assert.DoesNotContain("Authorization", text + result.Out + result.Error, StringComparison.OrdinalIgnoreCase);
            Assert.Contains(emulator.Requests, static r => r.Headers.TryGetValue("Authorization", out var auth) && auth == "Bearer sk-kimi-verify-invalid");
            Assert.Equal(4, emulator.Requests.Count(static r => r.LastUserText is "What is the weather in Paris right now? Use the tool." or "Say hello. Do not use any tool."));
        }
        finally
        {
            File.Delete(json);
        }
    }
}

using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace Kimi.Client.Tests.Diagnostics;

/// <summary>Source-generated log lines: a Debug summary per call, content only at Trace and only when opted in, never the key.</summary>
public class KimiLoggingTests
{
    private static (TelemetryHarness Harness, FakeLogCollector Logs, ILoggerFactory Factory) Start(bool captureContent)
    {
        var provider = new FakeLoggerProvider();
        var factory = LoggerFactory.Create(b => b.AddProvider(provider).SetMinimumLevel(LogLevel.Trace));
        var harness = new TelemetryHarness(configure: o => o.Telemetry.CaptureContent = captureContent, loggerFactory: factory);
        harness.Emulator.Enqueue(new Testing.EmulatorReply { Text = "Paris.", Reasoning = "France's capital.", PromptTokens = 9, CompletionTokens = 4 });
        return (harness, provider.Collector, factory);
    }

    [Fact(Timeout = 20_000)]
    public async Task Each_call_logs_one_Debug_summary_without_content_and_each_try_its_answer_with_status_and_time()
    {
        var (harness, logs, factory) = Start(captureContent: false);
        using (harness)
        using (factory)
        {
            await harness.Client.CompleteAsync("Capital of France?", cancellationToken: TestContext.Current.CancellationToken);
        }

        var summary = Assert.Single(logs.GetSnapshot(), r => r.Id.Id == 9);
        Assert.Equal(LogLevel.Debug, summary.Level);
        Assert.Matches(@"finished in \d+ ms: stop, \d+ input / \d+ output tokens", summary.Message);
        Assert.DoesNotContain(logs.GetSnapshot(), r => r.Level == LogLevel.Trace);
        Assert.DoesNotContain(logs.GetSnapshot(), r => r.Message.Contains("Capital of France", StringComparison.Ordinal) || r.Message.Contains("Paris.", StringComparison.Ordinal));

        // Each try logs its answer at Debug with the status and the time it took (the clock is read for this line only when
        // Debug is on: the line must still carry the time).
        var line = Assert.Single(logs.GetSnapshot(), r => r.Id.Id == 6);
        Assert.Equal(LogLevel.Debug, line.Level);
        Assert.Matches(@"^POST http://\S+/chat/completions \(\S+, model \S+, stream False\) answered 200 in \d+ ms; request id ", line.Message);
    }

    [Fact(Timeout = 20_000)]
    public async Task With_content_capture_on_the_messages_and_answer_are_logged_at_Trace_and_never_the_key()
    {
        var (harness, logs, factory) = Start(captureContent: true);
        using (harness)
        using (factory)
        {
            await harness.Client.CompleteAsync("Capital of France?", cancellationToken: TestContext.Current.CancellationToken);
        }

        var records = logs.GetSnapshot();
        var request = Assert.Single(records, r => r.Id.Id == 10);
        var answer = Assert.Single(records, r => r.Id.Id == 11);
        Assert.Equal(LogLevel.Trace, request.Level);
        Assert.Contains("Capital of France?", request.Message);
        Assert.Contains("Paris.", answer.Message);
        Assert.Contains("France's capital.", answer.Message);
        foreach (var record in records)
        {
            var fields = string.Join(";", record.StructuredState?.Select(p => $"{p.Key}={p.Value}") ?? []);
            Assert.DoesNotContain("sk-telemetry-secret", record.Message + fields);
            Assert.DoesNotContain("Bearer", record.Message + fields);
        }
    }
}

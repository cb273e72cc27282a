using System.Diagnostics;
using System.Text.Json;
using Kimi.Client.Benchmarks.Clients;
using Kimi.Client.Benchmarks.Infrastructure;
using Kimi.Client.Benchmarks.Workloads;

namespace Kimi.Client.Benchmarks;

/// <summary>
/// <c>--validate</c>: every client × workload, run a few times untimed; each result is verified and each request body
/// is parsed and checked (model, message count, stream flag, reasoning echoed). Exits non-zero on any mismatch.
/// </summary>
internal static class Validation
{
    private const int RunsPerPair = 3;

    public static async Task<int> RunAsync(TextWriter output)
    {
        var started = Stopwatch.StartNew();
        int passed = 0, failed = 0;

        if (!VerificationCatchesMismatches(output))
        {
            failed++;
        }
        else
        {
            passed++;
        }

        using var clients = new ClientSet();
        foreach (var workload in WorkloadCatalog.All)
        {
            output.WriteLine($"{workload.Name}: {workload.ResponseBody.Length:N0} response bytes, {workload.Chunks:N0} chunk(s)");
            foreach (var client in clients.All)
            {
                client.Handler.CaptureRequests = true;
                client.Serve(workload);
                try
                {
                    RunResult result = default;
                    for (var i = 0; i < RunsPerPair; i++)
                    {
                        result = await client.RunAsync(workload);
                        workload.Verify(result, client.Name);
                    }

                    CheckRequest(workload, client);
                    output.WriteLine(
                        $"  ok   {client.Name,-44} text {result.ContentLength,5}  reasoning {result.ReasoningLength,5}  " +
                        $"args {result.ArgumentsLength,5}{(result.ArgumentsAreParsed ? " (parsed)" : string.Empty),-9}  tokens {result.TotalTokens,6}  " +
                        $"request {client.Handler.LastRequestBytes,7:N0} B");
                    passed++;
                }
                catch (Exception ex)
                {
                    output.WriteLine($"  FAIL {client.Name}: {ex.GetType().Name}: {ex.Message}");
                    failed++;
                }
                finally
                {
                    client.Handler.CaptureRequests = false;
                }
            }
        }

        // The inline-reasoning rows: Kimi.Client only (the peers have no splitter), with it off and on.
        var (off, on) = Benchmarks.InlineReasoningStreaming.Clients();
        using (off)
        using (on)
        {
            foreach (var (client, workload) in new[] { (off, WorkloadCatalog.InlineReasoningStreamingUnsplit), (on, WorkloadCatalog.InlineReasoningStreaming) })
            {
                client.Serve(workload);
                try
                {
                    RunResult result = default;
                    for (var i = 0; i < RunsPerPair; i++)
                    {
                        result = await client.RunAsync(workload);
                        workload.Verify(result, client.Name);
                    }

                    output.WriteLine($"  ok   {client.Name,-44} text {result.ContentLength,5}  reasoning {result.ReasoningLength,5}  tokens {result.TotalTokens,6}  ({workload.Name}, {workload.Chunks:N0} chunks)");
                    passed++;
                }
                catch (Exception ex)
                {
                    output.WriteLine($"  FAIL {client.Name}: {ex.GetType().Name}: {ex.Message}");
                    failed++;
                }
            }
        }

        output.WriteLine($"validate ({started.Elapsed.TotalSeconds:F1} s): {passed} passed, {failed} failed");
        return failed == 0 ? 0 : 1;
    }

    /// <summary>A wrong result must throw, or every check above proves nothing.</summary>
    private static bool VerificationCatchesMismatches(TextWriter output)
    {
        var workload = WorkloadCatalog.TextStreaming;
        var good = new RunResult(workload.ContentLength, workload.ReasoningLength, workload.TotalTokens);
        RunResult[] bad = [good with { ContentLength = good.ContentLength - 1 }, good with { ReasoningLength = 0 }, good with { TotalTokens = 0 }, good with { ToolName = "x" }];
        try
        {
            workload.Verify(good, "self-test");
        }
        catch (InvalidOperationException ex)
        {
            output.WriteLine($"  FAIL self-test: a correct result was rejected: {ex.Message}");
            return false;
        }

        foreach (var result in bad)
        {
            try
            {
                workload.Verify(result, "self-test");
                output.WriteLine($"  FAIL self-test: a wrong result passed: {result}");
                return false;
            }
            catch (InvalidOperationException)
            {
            }
        }

        output.WriteLine("  ok   self-test: verification rejects wrong lengths, tokens and tool calls");
        return true;
    }

    private static void CheckRequest(Workload workload, BenchClient client)
    {
        var body = client.Handler.LastRequest ?? throw new InvalidOperationException($"{client.Name} sent no request body.");
        using var document = JsonDocument.Parse(body);
        var root = document.RootElement;
        Require(root.GetProperty("model").GetString() == BenchClient.Model, client, "model");

        var streaming = workload.Kind is WorkloadKind.TextStreaming or WorkloadKind.ToolStreaming;
        var stream = root.TryGetProperty("stream", out var s) && s.ValueKind == JsonValueKind.True;
        Require(stream == streaming, client, $"stream flag {stream}");

        var messages = root.GetProperty("messages");
        var expected = workload.History?.MessageCount ?? 2;
        Require(messages.GetArrayLength() == expected, client, $"{messages.GetArrayLength()} messages, expected {expected}");

        if (workload.History is { } history && client.SendsReasoning)
        {
            var echoed = 0;
            foreach (var message in messages.EnumerateArray())
            {
                if (message.TryGetProperty("reasoning_content", out var reasoning) && reasoning.GetString()?.Length > 0)
                {
                    echoed++;
                }
            }

            Require(echoed == history.Turns.Count, client, $"reasoning echoed on {echoed} of {history.Turns.Count} tool-call turns");
        }
    }

    private static void Require(bool ok, BenchClient client, string what)
    {
        if (!ok)
        {
            throw new InvalidOperationException($"{client.Name}'s request is wrong: {what}.");
        }
    }
}

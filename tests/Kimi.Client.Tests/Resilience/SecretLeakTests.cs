using System.Text;
using Kimi.Client.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using static Kimi.Client.Tests.Resilience.FaultServer;

namespace Kimi.Client.Tests.Resilience;

/// <summary>
/// Runs errors, retries, failover, timeouts and rate limits with a sentinel key, capturing every log line (Trace),
/// exception message and ToString(), and attempt record, and scans them for the key. The server echoes the key back in
/// its error bodies, as some proxies do, so scrubbing is tested too.
/// </summary>
public class SecretLeakTests
{
    private const string Sentinel = "sk-LEAK-SENTINEL-93b1e7d04c";

    private static Func<HttpContext, Task> Echo(int status, params (string, string)[] headers) => async context =>
    {
        var auth = context.Request.Headers.Authorization.ToString();
        context.Response.StatusCode = status;
        foreach (var (name, value) in headers)
        {
            context.Response.Headers[name] = value;
        }

        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync("{\"error\":{\"message\":\"key " + auth + " rejected: " + Sentinel + "\",\"type\":\"t\"}}", context.RequestAborted);
    };

    [Fact(Timeout = 30_000)]
    public async Task The_api_key_appears_in_no_log_exception_or_attempt_in_any_scenario()
    {
        var logs = new FakeLogCollector();
        using var loggerFactory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(new FakeLoggerProvider(logs)));
        var captured = new StringBuilder();
        var ct = TestContext.Current.CancellationToken;

        async Task RunAsync(Func<KimiClientOptions, KimiClientOptions> configure, bool stream, params Func<HttpContext, Task>[] script)
        {
            await using var clock = new RunningClock();
            await using var server = await FaultServer.StartAsync(script);
            var options = server.Options(KimiProvider.Moonshot, 3);
            options.ApiKey = Sentinel;
            options.Resilience.BaseDelay = TimeSpan.FromMilliseconds(1);
            using var client = new KimiClient(configure(options), loggerFactory, clock.Time);
            try
            {
                var completion = stream ? await StreamAsync(client, ct) : await client.CompleteAsync("Hello", cancellationToken: ct);
                captured.AppendLine(completion.ToString()).AppendJoin('\n', completion.Attempts);
            }
            catch (KimiException ex)
            {
                captured.AppendLine(ex.Message).AppendLine(ex.ToString()).AppendJoin('\n', ex.Attempts).AppendLine(ex.PartialCompletion?.ToString());
                if (ex is KimiApiException api)
                {
                    captured.AppendLine(api.Error.ToString()).AppendLine(api.Error.Message);
                }
            }

            captured.AppendLine(client.ToString()).AppendLine(options.ToString());
        }

        var ok = (Func<KimiClientOptions, KimiClientOptions>)(o => o);
        await RunAsync(ok, true, Echo(401));
        await RunAsync(ok, false, Echo(400));
        await RunAsync(ok, true, Echo(429, ("Retry-After", "1")), Ok);
        await RunAsync(ok, true, Echo(429, ("Retry-After", "99999")));
        await RunAsync(ok, false, Echo(503));
        await RunAsync(ok, true, Echo(500), Abort, Ok);
        await RunAsync(ok, true, CutAfterFirstChunk);
        await RunAsync(o => { o.Resilience.FirstChunkTimeout = TimeSpan.FromSeconds(1); return o; }, true, Stall(afterHeaders: TimeSpan.FromSeconds(30)));
        await RunAsync(o => { o.RateLimit.RequestsPerMinute = 1; o.Resilience.TotalTimeout = TimeSpan.FromSeconds(1); return o; }, true, Ok);
        await using (var second = await FaultServer.StartAsync(Echo(503)))
        {
            await RunAsync(o =>
            {
                o.Failover.Add(new KimiFailoverTarget { Provider = KimiProvider.DeepInfra, ApiKey = Sentinel, Endpoint = new Uri(second.Server.Url + "/v1/openai") });
                captured.AppendLine(o.Failover[0].ToString());
                return o;
            }, true, Echo(503));
        }

        // The rate-limited client: a second call on the same key is refused.
        await using (var limited = await FaultServer.StartAsync(Ok))
        {
            var options = limited.Options(KimiProvider.Moonshot, 1);
            options.ApiKey = Sentinel;
            options.RateLimit.RequestsPerMinute = 1;
            options.Resilience.TotalTimeout = TimeSpan.FromSeconds(10); // the next slot is 60 s away: refused at once
            using var client = new KimiClient(options, loggerFactory, new FakeTimeProvider());
            await StreamAsync(client, ct);
            var ex = await Assert.ThrowsAsync<KimiClientRateLimitException>(() => StreamAsync(client, ct));
            captured.AppendLine(ex.ToString()).AppendJoin('\n', ex.Attempts);
        }

        foreach (var record in logs.GetSnapshot())
        {
            captured.AppendLine(record.Message).AppendLine(record.Exception?.ToString());
            foreach (var (key, value) in record.StructuredState ?? [])
            {
                captured.Append(key).Append('=').AppendLine(value);
            }
        }

        var text = captured.ToString();
        Assert.True(logs.Count > 10, "the scenarios should have logged");
        Assert.Contains("FailedOver", text);
        Assert.Contains("NotSent", text);
        Assert.DoesNotContain(Sentinel, text);
        Assert.DoesNotContain("LEAK-SENTINEL", text);
    }
}

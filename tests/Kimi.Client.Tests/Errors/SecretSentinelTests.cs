using System.Diagnostics;
using System.Text;
using Kimi.Client.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using static Kimi.Client.Tests.Resilience.FaultServer;

namespace Kimi.Client.Tests.Errors;

/// <summary>
/// Conformance 44: with a sentinel key, a server that echoes it in <c>x-request-id</c>, <c>x-trace-id</c>, error messages,
/// an OpenRouter <c>metadata.raw</c>, a stream error event and a broken chunk, and with the key also written into the
/// endpoint (path segment, userinfo, query): the key is in no exception text, <c>Data</c>, inner exception, request id,
/// attempt, result, log line or structured state, span, <c>ToString()</c> or validation message.
/// </summary>
public class SecretSentinelTests
{
    private const string Sentinel = "sk-SENTINEL-4e9d2c7a1b";

    private static Func<HttpContext, Task> Echo(int status, string? contentType = "application/json") => async context =>
    {
        var auth = context.Request.Headers.Authorization.ToString();
        context.Response.StatusCode = status;
        context.Response.Headers["x-request-id"] = "req-" + auth;
        context.Response.Headers["x-trace-id"] = Sentinel;
        if (status == 429)
        {
            context.Response.Headers["Retry-After"] = "0";
        }
        if (contentType is not null)
        {
            context.Response.ContentType = contentType;
        }

        var raw = "{\\\"error\\\":{\\\"message\\\":\\\"upstream saw " + Sentinel + "\\\",\\\"type\\\":\\\"invalid_request_error\\\"}}";
        await context.Response.WriteAsync(
            "{\"error\":{\"message\":\"key " + auth + " rejected (" + Sentinel + ")\",\"type\":\"" + Sentinel + "\",\"code\":\"" + Sentinel + "\",\"param\":\"" + Sentinel + "\"," +
            "\"metadata\":{\"raw\":\"" + raw + "\",\"provider_name\":\"Moonshot AI\"}}}",
            context.RequestAborted);
    };

    private static Func<HttpContext, Task> StreamThen(string lastEvent) => async context =>
    {
        context.Response.Headers["x-request-id"] = "req-" + context.Request.Headers.Authorization;
        await WriteAsync(context, [Hello1, lastEvent]);
    };

    [Fact(Timeout = 120_000)]
    public async Task The_sentinel_key_is_nowhere_whatever_the_server_echoes_and_wherever_the_key_was_written()
    {
        var logs = new FakeLogCollector();
        using var loggerFactory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(new FakeLoggerProvider(logs)));
        var captured = new StringBuilder();
        var spanText = new System.Collections.Concurrent.ConcurrentQueue<string>(); // listeners run on other threads (and see other tests' spans)
        using var spans = new ActivityListener
        {
            ShouldListenTo = source => source.Name == KimiTelemetry.SourceName,
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                var text = new StringBuilder().AppendLine(activity.DisplayName).AppendLine(activity.StatusDescription);
                foreach (var tag in activity.TagObjects)
                {
                    text.Append(tag.Key).Append('=').AppendLine(tag.Value?.ToString());
                }

                foreach (var e in activity.Events)
                {
                    text.AppendLine(e.Name);
                    foreach (var tag in e.Tags)
                    {
                        text.Append(tag.Key).Append('=').AppendLine(tag.Value?.ToString());
                    }
                }

                spanText.Enqueue(text.ToString());
            },
        };
        ActivitySource.AddActivityListener(spans);
        var ct = TestContext.Current.CancellationToken;
        var scenarios = 0;

        void Capture(Exception? ex)
        {
            for (var current = ex; current is not null; current = current.InnerException)
            {
                captured.AppendLine(current.Message).AppendLine(current.ToString());
                foreach (System.Collections.DictionaryEntry entry in current.Data)
                {
                    captured.Append(entry.Key).Append('=').AppendLine(entry.Value?.ToString());
                }
            }

            if (ex is KimiException kimi)
            {
                captured.AppendLine(kimi.RequestId).AppendJoin('\n', kimi.Attempts.Select(a => $"{a} {a.Endpoint} {a.Detail}"));
                captured.AppendLine(kimi.PartialCompletion?.ToString()).AppendLine(kimi.PartialCompletion?.RequestId);
            }

            if (ex is KimiApiException api)
            {
                captured.AppendLine(api.Error.ToString()).AppendLine(api.Error.Message).AppendLine(api.Error.Type).AppendLine(api.Error.Code).AppendLine(api.Error.Param);
            }
        }

        async Task RunAsync(Func<string, string> endpoint, bool stream, params Func<HttpContext, Task>[] script)
        {
            scenarios++;
            await using var server = await StartAsync(script);
            var options = server.Options(KimiProvider.Moonshot, 2);
            options.ApiKey = Sentinel;
            options.Endpoint = new Uri(endpoint(server.Server.Url));
            options.Resilience.BaseDelay = TimeSpan.FromMilliseconds(1);
            options.Resilience.FirstChunkTimeout = TimeSpan.FromMilliseconds(300);
            using var client = new KimiClient(options, loggerFactory);
            captured.AppendLine(client.ToString()).AppendLine(options.ToString());
            try
            {
                var completion = stream ? await StreamAsync(client, ct) : await client.CompleteAsync("Hello", cancellationToken: ct);
                captured.AppendLine(completion.ToString()).AppendLine(completion.RequestId).AppendJoin('\n', completion.Attempts.Select(a => $"{a} {a.Endpoint} {a.Detail}"));
            }
            catch (Exception ex)
            {
                Capture(ex);
            }

            try
            {
                await client.GetFilesClient().ListAsync(ct);
            }
            catch (Exception ex)
            {
                Capture(ex);
            }
        }

        Func<string, string> plain = url => url + "/v1";
        Func<string, string> inPath = url => url + "/proxy/" + Sentinel + "/v1";
        Func<string, string> inUserInfo = url => url.Replace("http://", "http://user:" + Sentinel + "@", StringComparison.Ordinal) + "/v1";
        foreach (var endpoint in new[] { plain, inPath, inUserInfo })
        {
            foreach (var status in new[] { 400, 401, 404, 429, 500, 503 })
            {
                await RunAsync(endpoint, stream: false, Echo(status));
                await RunAsync(endpoint, stream: true, Echo(status));
            }

            await RunAsync(endpoint, stream: false, Echo(200));                                        // an error body with 200
            await RunAsync(endpoint, stream: false, Echo(502, "text/html"));                          // not JSON
            await RunAsync(endpoint, stream: true, Echo(200, "text/html"));                           // not an event stream
            await RunAsync(endpoint, stream: true, StreamThen("data: {\"error\":{\"message\":\"boom " + Sentinel + "\",\"type\":\"server_error\"}}\n\n"));
            await RunAsync(endpoint, stream: true, StreamThen("event: error\ndata: {\"error_type\":\"" + Sentinel + "\",\"error_message\":\"" + Sentinel + "\"}\n\n"));
            await RunAsync(endpoint, stream: true, StreamThen("data: {\"id\":\"" + Sentinel + "\",\"choices\":[{\"index\":\"" + Sentinel + "\"}]}\n\n"));
            await RunAsync(endpoint, stream: true, StreamThen("data: not json " + Sentinel + "\n\n"));
            await RunAsync(endpoint, stream: true, CutAfterFirstChunk);
            await RunAsync(endpoint, stream: true, Stall(afterHeaders: TimeSpan.FromSeconds(1)));
            await RunAsync(endpoint, stream: false, Abort);
        }

        // Validation: a key in the endpoint's query, in code and at start-up through configuration.
        var query = Assert.ThrowsAny<ArgumentException>(() => new KimiClient(new KimiClientOptions { ApiKey = Sentinel, Endpoint = new Uri("https://gw.example/v1?key=" + Sentinel) }));
        Capture(query);
        var notHttp = Assert.ThrowsAny<ArgumentException>(() => new KimiClient(new KimiClientOptions { Provider = KimiProvider.Vllm, Endpoint = new Uri("ftp://user:" + Sentinel + "@gw.example/" + Sentinel) }));
        Capture(notHttp);
        captured.AppendLine(new KimiClientOptions { ApiKey = Sentinel, Endpoint = new Uri("https://u:" + Sentinel + "@gw.example/" + Sentinel + "/v1?key=" + Sentinel) }.ToString());
        captured.AppendLine(new KimiFailoverTarget { ApiKey = Sentinel, Endpoint = new Uri("https://gw.example/" + Sentinel + "/v1") }.ToString());
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Kimi:ApiKey"] = Sentinel,
            ["Kimi:Endpoint"] = "https://gw.example/v1?key=" + Sentinel,
            ["Kimi:Failover:0:Provider"] = "Vllm",
            ["Kimi:Failover:0:Endpoint"] = "ftp://u:" + Sentinel + "@gw.example/v1",
            ["Kimi:Failover:0:ApiKey"] = Sentinel,
        });
        builder.Services.AddKimiClient(builder.Configuration.GetSection("Kimi"));
        using (var host = builder.Build())
        {
            Capture(await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(ct)));
        }

        foreach (var record in logs.GetSnapshot())
        {
            captured.AppendLine(record.Message).AppendLine(record.Exception?.ToString());
            foreach (var (key, value) in record.StructuredState ?? [])
            {
                captured.Append(key).Append('=').AppendLine(value);
            }
        }

        captured.AppendJoin('\n', spanText);
        var text = captured.ToString();
        Assert.True(scenarios >= 60, $"{scenarios} scenarios ran");
        Assert.True(logs.Count > 50, "the scenarios should have logged");
        Assert.Contains("[redacted]", text); // the scrubber was exercised, not merely never reached
        var at = text.IndexOf("SENTINEL", StringComparison.Ordinal);
        Assert.True(at < 0, at < 0 ? null : $"The key leaked: …{text.Substring(Math.Max(0, at - 200), Math.Min(500, text.Length - Math.Max(0, at - 200)))}…");
    }
}

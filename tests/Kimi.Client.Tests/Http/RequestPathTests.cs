using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Kimi.Client.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Kimi.Client.Tests.Http;

/// <summary>
/// The request path against a server that misbehaves on purpose, over real sockets (issue 11 items 3–6 and 8–10): local
/// mistakes are refused before sending and never retried as network failures, limits are pause limits, a caller's own
/// HttpClient keeps the documented retries, and bodies carry a Content-Length when it is known.
/// </summary>
public class RequestPathTests
{
    private const string Completion =
        """{"id":"c1","object":"chat.completion","model":"kimi-k2.6","choices":[{"index":0,"message":{"role":"assistant","content":"Hi.","reasoning_content":"Greet."},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":3,"total_tokens":8}}""";

    private static Func<HttpContext, Task> Json(string body, int status = 200) => async context =>
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body, context.RequestAborted);
    };

    [Theory]
    [InlineData("10675199.02:48:05.4775807")]
    [InlineData("90")]
    public async Task A_timeout_over_a_day_fails_at_start_saying_a_bare_number_is_days(string value)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Kimi:ApiKey"] = "test-key", ["Kimi:Resilience:IdleTimeout"] = value });
        builder.Services.AddKimiClient(builder.Configuration.GetSection("Kimi"));
        using var host = builder.Build();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains("Kimi:Resilience:IdleTimeout is", ex.Message);
        Assert.Contains("In configuration a bare number is days: write 00:01:30 for 90 seconds.", ex.Message);
        Assert.ThrowsAny<ArgumentException>(() => new KimiClient(new KimiClientOptions { ApiKey = "test-key", Resilience = { TotalTimeout = TimeSpan.MaxValue } }));
    }

    [Fact(Timeout = 10_000)]
    public async Task An_Nvidia_output_cap_over_its_range_fails_at_start()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Kimi:Provider"] = "Nvidia", ["Kimi:ApiKey"] = "test-key", ["Kimi:MaxOutputTokens"] = "100000" });
        builder.Services.AddKimiClient(builder.Configuration.GetSection("Kimi"));
        using var host = builder.Build();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains("Kimi:MaxOutputTokens must be between 1 and 65536 on NVIDIA; got 100000.", ex.Message);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_key_with_a_trailing_newline_is_trimmed_before_it_is_sent()
    {
        string? authorization = null;
        await using var server = await LoopbackServer.StartAsync(context =>
        {
            authorization = context.Request.Headers.Authorization;
            return Json(Completion)(context);
        });
        using var client = TestClients.For(KimiProvider.Moonshot, server.Url, o => o.ApiKey = "  test-key-pasted\r\n");

        await client.CompleteAsync("Hi", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal("Bearer test-key-pasted", authorization);
    }

    [Theory]
    [InlineData("sk-\u201Ctest-key\u201D", "a curly quote (U+201C) at position 4")]
    [InlineData("sk-test\u00A0key", "a non-ASCII space (U+00A0) at position 8")]
    [InlineData("sk-test\u0007key", "a control character (U+0007) at position 8")]
    public void A_key_that_cannot_be_a_key_is_refused_before_sending_without_printing_it(string key, string described)
    {
        var ex = Assert.ThrowsAny<ArgumentException>(() => new KimiClient(new KimiClientOptions { ApiKey = key }));

        Assert.Contains($"Kimi:ApiKey is not a usable key: it contains {described}", ex.Message);
        Assert.DoesNotContain("test", ex.Message.Replace("Kimi:ApiKey", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact(Timeout = 10_000)]
    public async Task An_image_file_deleted_before_sending_is_refused_before_any_request()
    {
        await using var server = await LoopbackServer.StartAsync(Json(Completion));
        using var client = TestClients.For(KimiProvider.Moonshot, server.Url);
        var path = Path.Combine(Path.GetTempPath(), $"kimi-{Guid.NewGuid():N}.png");
        await File.WriteAllBytesAsync(path, [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0], TestContext.Current.CancellationToken);
        var image = ImagePart.FromFile(path);
        File.Delete(path);

        var ex = await Assert.ThrowsAsync<FileNotFoundException>(() => client.CompleteAsync([KimiMessage.User(new TextPart("What is it?"), image)], cancellationToken: TestContext.Current.CancellationToken));

        Assert.Contains("no longer exists. Nothing was sent.", ex.Message);
        Assert.Empty(server.RequestBodies);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_media_stream_that_fails_while_sending_is_reported_as_such_and_never_retried()
    {
        var requests = 0;
        await using var server = await LoopbackServer.StartAsync(context =>
        {
            Interlocked.Increment(ref requests);
            return Json(Completion)(context);
        });
        using var client = TestClients.For(KimiProvider.Moonshot, server.Url, o => o.Resilience.MaxAttempts = 3);
        var image = ImagePart.FromStream(new FailingStream(), "image/png");

        var ex = await Assert.ThrowsAsync<KimiException>(() => client.CompleteAsync([KimiMessage.User(new TextPart("What is it?"), image)], cancellationToken: TestContext.Current.CancellationToken));

        Assert.Contains("Could not read the image stream while sending: the disk went away", ex.Message);
        Assert.Contains("not retried", ex.Message);
        var attempt = Assert.Single(ex.Attempts);
        Assert.Equal(KimiAttemptOutcome.Failed, attempt.Outcome);
        Assert.IsNotType<KimiConnectionException>(ex);
    }

    [Fact(Timeout = 20_000)]
    public async Task A_body_trickling_a_byte_every_20_ms_completes_although_it_takes_far_longer_than_the_idle_limit()
    {
        await using var server = await LoopbackServer.StartAsync(async context =>
        {
            context.Response.ContentType = "application/json";
            await context.Response.Body.FlushAsync(context.RequestAborted);
            foreach (var b in Encoding.UTF8.GetBytes(Completion))
            {
                await context.Response.Body.WriteAsync(new[] { b }, context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
                await Task.Delay(20, context.RequestAborted);
            }
        });
        using var client = TestClients.For(KimiProvider.Moonshot, server.Url, o => o.Resilience.IdleTimeout = TimeSpan.FromMilliseconds(500));

        var completion = await client.CompleteAsync("Hi", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal("Hi.", completion.Text); // about 6 s of body under a 0.5 s pause limit
    }

    [Fact(Timeout = 10_000)]
    public async Task An_html_page_on_a_streaming_request_says_it_is_not_an_event_stream_and_names_the_endpoint()
    {
        await using var server = await LoopbackServer.StartAsync(async context =>
        {
            context.Response.ContentType = "text/html; charset=utf-8";
            await context.Response.WriteAsync("<html><body>Sign in to the corporate proxy</body></html>", context.RequestAborted);
        });
        using var client = TestClients.For(KimiProvider.Moonshot, server.Url);

        var ex = await Assert.ThrowsAsync<KimiResponseFormatException>(async () =>
        {
            await foreach (var _ in client.StreamAsync("Hi", cancellationToken: TestContext.Current.CancellationToken))
            {
            }
        });

        Assert.Contains("answered 200 with text/html, which is not an event stream", ex.Message);
        Assert.Contains("KimiClientOptions.Endpoint", ex.Message);
        Assert.Contains("points at an OpenAI-compatible /v1 base URL (it is http://", ex.Message); // the endpoint it used, scrubbed
        Assert.DoesNotContain("cut", ex.Message);
    }

    [Fact(Timeout = 20_000)]
    public async Task A_callers_own_HttpClient_gets_the_documented_retries()
    {
        var calls = 0;
        await using var server = await LoopbackServer.StartAsync(context =>
            Interlocked.Increment(ref calls) == 1
                ? Json("""{"error":{"message":"The engine is currently overloaded","type":"engine_overloaded_error"}}""", 503)(context)
                : Json(Completion)(context));
        using var http = new HttpClient();
        var options = TestClients.Options(KimiProvider.Moonshot, server.Url);
        options.Resilience.MaxAttempts = 3;
        options.Resilience.BaseDelay = TimeSpan.FromMilliseconds(10);
        using var client = new KimiClient(http, options);

        var completion = await client.CompleteAsync("Hi", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal("Hi.", completion.Text);
        Assert.Equal([KimiAttemptOutcome.Retried, KimiAttemptOutcome.Succeeded], completion.Attempts.Select(a => a.Outcome));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, completion.Attempts[0].Status);
    }

    [Fact(Timeout = 20_000)]
    public async Task Retries_can_be_switched_off_explicitly_for_a_client_whose_own_handler_retries()
    {
        await using var server = await LoopbackServer.StartAsync(Json("""{"error":{"message":"busy","type":"server_error"}}""", 503));
        var options = TestClients.Options(KimiProvider.Moonshot, server.Url);
        options.Resilience.MaxAttempts = 3;
        options.Resilience.Enabled = false;
        using var client = new KimiClient(new HttpClient(), options);

        var ex = await Assert.ThrowsAsync<KimiServerException>(() => client.CompleteAsync("Hi", cancellationToken: TestContext.Current.CancellationToken));

        Assert.Single(server.RequestBodies);
        Assert.Equal(KimiAttemptOutcome.Failed, Assert.Single(ex.Attempts).Outcome);
    }

    [Fact(Timeout = 20_000)]
    public async Task A_callers_HttpClient_Timeout_surfaces_as_a_Kimi_timeout()
    {
        await using var server = await LoopbackServer.StartAsync(async context =>
        {
            await Task.Delay(TimeSpan.FromSeconds(10), context.RequestAborted);
        });
        using var http = new HttpClient { Timeout = TimeSpan.FromMilliseconds(300) };
        var options = TestClients.Options(KimiProvider.Moonshot, server.Url);
        using var client = new KimiClient(http, options);

        var ex = await Assert.ThrowsAsync<KimiTimeoutException>(() => client.CompleteAsync("Hi", cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(TimeSpan.FromMilliseconds(300), ex.Timeout);
        Assert.Contains("HttpClient's own Timeout", ex.Message);
        Assert.Contains("Timeout.InfiniteTimeSpan", ex.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(4)]
    public void Each_backoff_is_at_least_half_its_step_and_never_shorter_than_the_one_before(int attempt)
    {
        var options = new KimiResilienceOptions { BaseDelay = TimeSpan.FromSeconds(1), MaxRetryAfter = TimeSpan.FromSeconds(60) };
        var nominal = TimeSpan.FromSeconds(Math.Min(Math.Pow(2, attempt), 60));

        Assert.Equal(nominal / 2, Kimi.Client.Resilience.KimiResiliencePipeline.Backoff(options, attempt, random: 0));
        Assert.InRange(Kimi.Client.Resilience.KimiResiliencePipeline.Backoff(options, attempt, random: 0.9999999999), nominal - TimeSpan.FromMilliseconds(1), nominal);
        Assert.True(Kimi.Client.Resilience.KimiResiliencePipeline.Backoff(options, attempt + 1, random: 0) >= Kimi.Client.Resilience.KimiResiliencePipeline.Backoff(options, attempt, random: 0.9999999999));
    }

    [Fact]
    public async Task Unsendable_input_is_refused_before_sending()
    {
        await using var server = await LoopbackServer.StartAsync(Json(Completion));
        using var client = TestClients.For(KimiProvider.Moonshot, server.Url);
        var ct = TestContext.Current.CancellationToken;

        var empty = await Assert.ThrowsAsync<ArgumentException>(() => client.CompleteAsync([KimiMessage.User("")], cancellationToken: ct));
        Assert.Contains("Message 0 is a user message with no text, image or video", empty.Message);

        var stops = new ChatCompletionOptions();
        stops.StopSequences.Add("END");
        stops.StopSequences.Add("");
        var stop = await Assert.ThrowsAsync<ArgumentException>(() => client.CompleteAsync("Hi", stops, ct));
        Assert.Contains("StopSequences[1] is empty", stop.Message);

        foreach (var name in new[] { "", "météo", "get weather", new string('x', 65) })
        {
            var tools = new ChatCompletionOptions();
            tools.Tools.Add(new RenamedFunction(AIFunctionFactory.Create(() => "ok", "placeholder"), name));

            var tool = await Assert.ThrowsAsync<ArgumentException>(() => client.CompleteAsync("Hi", tools, ct));
            Assert.Contains("cannot be sent: names are 1 to 64 characters of ASCII letters", tool.Message);
        }

        Assert.Empty(server.RequestBodies);
    }

    [Fact]
    public void An_endpoint_pasted_with_chat_completions_is_refused_naming_the_base_url()
    {
        var ex = Assert.ThrowsAny<ArgumentException>(() => new KimiClient(new KimiClientOptions
        {
            Provider = KimiProvider.Vllm,
            Endpoint = new Uri("http://gpu-box:8000/v1/chat/completions"),
        }));

        Assert.Contains("Kimi:Endpoint ends with /chat/completions: give the base URL before it (for example http://gpu-box:8000/v1)", ex.Message);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_body_without_media_carries_a_Content_Length_and_one_with_media_is_streamed()
    {
        var seen = new List<(long? Length, string? Encoding)>();
        await using var server = await LoopbackServer.StartAsync(context =>
        {
            lock (seen)
            {
                seen.Add((context.Request.ContentLength, context.Request.Headers.TransferEncoding));
            }

            return Json(Completion)(context);
        });
        using var client = TestClients.For(KimiProvider.Moonshot, server.Url);

        await client.CompleteAsync("Hi", cancellationToken: TestContext.Current.CancellationToken);
        await client.CompleteAsync([KimiMessage.User(new TextPart("What is it?"), ImagePart.FromBytes(MediaBytes.Png))], cancellationToken: TestContext.Current.CancellationToken);

        var body = Encoding.UTF8.GetByteCount(server.RequestBodies.First());
        Assert.Equal((body, (string?)string.Empty), (seen[0].Length, seen[0].Encoding ?? string.Empty));
        Assert.Null(seen[1].Length);
        Assert.Equal("chunked", seen[1].Encoding);
        Assert.NotNull(JsonNode.Parse(server.RequestBodies.First()));
    }

    private sealed class FailingStream : MemoryStream
    {
        public FailingStream()
            : base([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3, 4])
        {
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Position == 0 ? base.ReadAsync(buffer, cancellationToken) : throw new IOException("the disk went away");
    }

    private sealed class RenamedFunction(AIFunction inner, string name) : DelegatingAIFunction(inner)
    {
        public override string Name => name;
    }

    private static class MediaBytes
    {
        public static readonly byte[] Png = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, (byte)'I', (byte)'H', (byte)'D', (byte)'R'];
    }
}

using System.Net;
using Kimi.Client.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using static Kimi.Client.Tests.Resilience.FaultServer;

namespace Kimi.Client.Tests.Resilience;

/// <summary>
/// A call to one host with no client-side rate limit starts as its first try alone (<c>KimiTransport.SendOnceAsync</c> as
/// the call's first try), and only an outcome other than a clean answer goes on into the failover loop; any other call runs
/// the loop from its start. Both routes must end every outcome of the fault matrix the same way, over real sockets: each
/// test runs on both (a generous client-side concurrency limit sends a call through the loop from its start).
/// </summary>
public class FirstTryHandoverTests
{
    private const string Completion =
        """{"id":"c1","object":"chat.completion","model":"kimi-k2.6","choices":[{"index":0,"message":{"role":"assistant","content":"Hello","reasoning_content":"Greet."},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":2,"total_tokens":7}}""";

    /// <summary>How the call reaches its first try.</summary>
    public enum Route
    {
        /// <summary>One host, no client-side limit: the call starts as its first try.</summary>
        FirstTry,

        /// <summary>A client-side limit: the call runs the failover loop from its start.</summary>
        Loop,
    }

    public static TheoryData<Route, bool> RoutesAndModes => new() { { Route.FirstTry, false }, { Route.FirstTry, true }, { Route.Loop, false }, { Route.Loop, true } };

    public static TheoryData<Route> Routes => new() { Route.FirstTry, Route.Loop };

    private static KimiClient Client(FaultServer server, Route route, KimiProvider? provider = null, Action<KimiClientOptions>? configure = null)
    {
        var options = TestClients.Options(provider ?? KimiProvider.Moonshot, server.Server.Url);
        options.Resilience = new KimiResilienceOptions { MaxAttempts = 3, BaseDelay = TimeSpan.FromMilliseconds(10) };
        if (route == Route.Loop)
        {
            options.RateLimit.MaxConcurrentRequests = 1_000; // never reached; a base URL of its own, so no other test shares the limit
        }

        configure?.Invoke(options);
        var client = new KimiClient(options);
        Assert.Equal(route == Route.FirstTry, client.Transport.StartsAsFirstTry); // the route the test names is the one the call takes
        return client;
    }

    /// <summary>Headers at once, then part of a JSON body (or of an error body), then nothing for 10 s.</summary>
    private static Func<HttpContext, Task> HeadersThenStall(int status) => async context =>
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync("{\"id\":\"c1\",", context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
        await Task.Delay(TimeSpan.FromSeconds(10), context.RequestAborted);
    };

    private static Func<HttpContext, Task> Answer(bool stream) => stream ? Ok : Json(200, Completion);

    private static Task<ChatCompletion> CallAsync(KimiClient client, bool stream, CancellationToken cancellationToken) =>
        stream ? StreamAsync(client, cancellationToken) : client.CompleteAsync("Hello", cancellationToken: cancellationToken);

    /// <summary>One call against a server playing <paramref name="script"/>: its completion and the requests it took.</summary>
    private static async Task<(ChatCompletion Completion, int Requests)> AnsweredAsync(
        Route route, bool stream, Func<HttpContext, Task>[] script, CancellationToken cancellationToken, KimiProvider? provider = null, Action<KimiClientOptions>? configure = null)
    {
        await using var server = await FaultServer.StartAsync(script);
        using var client = Client(server, route, provider, configure);
        var completion = await CallAsync(client, stream, cancellationToken);
        return (completion, server.Requests);
    }

    /// <summary>One call against a server playing <paramref name="script"/> that ends in <typeparamref name="TException"/>: it and the requests it took.</summary>
    private static async Task<(TException Exception, int Requests)> FailedAsync<TException>(
        Route route, bool stream, Func<HttpContext, Task>[] script, CancellationToken cancellationToken, KimiProvider? provider = null, Action<KimiClientOptions>? configure = null)
        where TException : Exception
    {
        await using var server = await FaultServer.StartAsync(script);
        using var client = Client(server, route, provider, configure);
        var exception = await Assert.ThrowsAsync<TException>(() => CallAsync(client, stream, cancellationToken));
        return (exception, server.Requests);
    }

    private static void ShortResponseLimit(KimiClientOptions options)
    {
        // Long enough for the retry's whole answer on a loaded machine; the stalled replies wait 10 s.
        options.Resilience.ResponseTimeout = TimeSpan.FromSeconds(1.5);
        options.Resilience.StreamingResponseTimeout = TimeSpan.FromSeconds(1.5);
    }

    [Theory(Timeout = 20_000)]
    [MemberData(nameof(RoutesAndModes))]
    public async Task A_clean_answer_is_one_succeeded_attempt(Route route, bool stream)
    {
        await using var server = await FaultServer.StartAsync(Answer(stream));
        using var client = Client(server, route);

        var completion = await CallAsync(client, stream, TestContext.Current.CancellationToken);

        Assert.Equal("Hello", completion.Text);
        var attempt = Assert.Single(completion.Attempts);
        Assert.Equal((HttpStatusCode.OK, KimiAttemptOutcome.Succeeded, "ok"), (attempt.Status, attempt.Outcome, attempt.Detail));
        Assert.Same(KimiProvider.Moonshot, attempt.Provider);
        Assert.StartsWith(server.Server.Url.ToString().TrimEnd('/'), attempt.Endpoint, StringComparison.Ordinal);
        Assert.Equal(1, server.Requests);
    }

    [Theory(Timeout = 20_000)]
    [MemberData(nameof(RoutesAndModes))]
    public async Task A_server_error_on_the_first_try_is_retried_and_both_attempts_are_kept(Route route, bool stream)
    {
        var (completion, requests) = await AnsweredAsync(route, stream, [Json(503, Body(KimiProvider.Moonshot, 503, "overloaded")), Answer(stream)], TestContext.Current.CancellationToken);

        Assert.Equal("Hello", completion.Text);
        Assert.Equal([HttpStatusCode.ServiceUnavailable, HttpStatusCode.OK], completion.Attempts.Select(a => a.Status!.Value));
        Assert.Equal([KimiAttemptOutcome.Retried, KimiAttemptOutcome.Succeeded], completion.Attempts.Select(a => a.Outcome));
        Assert.StartsWith("HTTP 503; retrying after ", completion.Attempts[0].Detail, StringComparison.Ordinal);
        Assert.Equal(2, requests);
    }

    [Theory(Timeout = 20_000)]
    [MemberData(nameof(RoutesAndModes))]
    public async Task A_server_error_on_every_try_ends_with_every_attempt(Route route, bool stream)
    {
        var (ex, requests) = await FailedAsync<KimiServerException>(route, stream, [Json(503, Body(KimiProvider.Moonshot, 503, "overloaded"))], TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ex.Status);
        Assert.Equal([KimiAttemptOutcome.Retried, KimiAttemptOutcome.Retried, KimiAttemptOutcome.Failed], ex.Attempts.Select(a => a.Outcome));
        Assert.Equal(3, requests);
    }

    [Theory(Timeout = 20_000)]
    [MemberData(nameof(RoutesAndModes))]
    public async Task A_connection_reset_on_the_first_try_is_retried(Route route, bool stream)
    {
        var (completion, requests) = await AnsweredAsync(route, stream, [Abort, Answer(stream)], TestContext.Current.CancellationToken);

        Assert.Equal("Hello", completion.Text);
        Assert.Null(completion.Attempts[0].Status);
        Assert.StartsWith("connection failed; retrying after ", completion.Attempts[0].Detail, StringComparison.Ordinal);
        Assert.Equal(KimiAttemptOutcome.Succeeded, completion.Attempts[1].Outcome);
        Assert.Equal(2, requests);
    }

    [Theory(Timeout = 20_000)]
    [MemberData(nameof(RoutesAndModes))]
    public async Task Resets_on_every_try_end_in_the_connection_exception_with_every_attempt(Route route, bool stream)
    {
        var (ex, requests) = await FailedAsync<KimiConnectionException>(route, stream, [Abort], TestContext.Current.CancellationToken);

        Assert.StartsWith("Could not reach Moonshot at ", ex.Message, StringComparison.Ordinal);
        Assert.Equal([KimiAttemptOutcome.Retried, KimiAttemptOutcome.Retried, KimiAttemptOutcome.Failed], ex.Attempts.Select(a => a.Outcome));
        Assert.Equal(3, requests);
    }

    [Theory(Timeout = 20_000)]
    [MemberData(nameof(RoutesAndModes))]
    public async Task An_auth_error_on_the_first_try_fails_at_once_with_its_one_attempt(Route route, bool stream)
    {
        var (ex, requests) = await FailedAsync<KimiAuthenticationException>(route, stream, [Json(401, Body(KimiProvider.Moonshot, 401, "Invalid Authentication")), Answer(stream)], TestContext.Current.CancellationToken);

        var attempt = Assert.Single(ex.Attempts);
        Assert.Equal((HttpStatusCode.Unauthorized, KimiAttemptOutcome.Failed), (attempt.Status, attempt.Outcome));
        Assert.Equal(1, requests);
    }

    [Theory(Timeout = 20_000)]
    [MemberData(nameof(Routes))]
    public async Task A_Retry_After_beyond_the_cap_on_the_first_try_fails_at_once(Route route)
    {
        var (ex, requests) = await FailedAsync<KimiRateLimitException>(
            route, stream: false, [Json(429, Body(KimiProvider.Moonshot, 429, "Too Many Requests"), ("Retry-After", "410400")), Json(200, Completion)], TestContext.Current.CancellationToken);

        Assert.Equal(TimeSpan.FromHours(114), ex.RetryAfter);
        Assert.Equal((HttpStatusCode.TooManyRequests, KimiAttemptOutcome.Failed), (Assert.Single(ex.Attempts).Status, ex.Attempts[0].Outcome));
        Assert.Equal(1, requests);
    }

    [Theory(Timeout = 20_000)]
    [MemberData(nameof(Routes))]
    public async Task An_error_in_a_2xx_body_on_the_first_try_is_retried_like_its_status(Route route)
    {
        var overloaded = """{"error":{"code":503,"message":"Provider returned error","metadata":{"error_type":"provider_overloaded","provider_name":"Moonshot AI"}}}""";

        var (completion, requests) = await AnsweredAsync(route, stream: false, [Json(200, overloaded), Json(200, Completion)], TestContext.Current.CancellationToken, KimiProvider.OpenRouter);

        Assert.Equal("Hello", completion.Text);
        Assert.Equal([HttpStatusCode.ServiceUnavailable, HttpStatusCode.OK], completion.Attempts.Select(a => a.Status!.Value));
        Assert.Equal(KimiAttemptOutcome.Retried, completion.Attempts[0].Outcome);
        Assert.Equal(2, requests);
    }

    [Theory(Timeout = 20_000)]
    [MemberData(nameof(RoutesAndModes))]
    public async Task A_final_error_in_a_2xx_body_on_the_first_try_fails_at_once(Route route, bool stream)
    {
        var refused = """{"error":{"code":401,"message":"No auth credentials found"}}""";

        var (ex, requests) = await FailedAsync<KimiAuthenticationException>(route, stream, [Json(200, refused), Json(200, Completion)], TestContext.Current.CancellationToken, KimiProvider.OpenRouter);

        var attempt = Assert.Single(ex.Attempts);
        Assert.Equal((HttpStatusCode.Unauthorized, KimiAttemptOutcome.Failed), (attempt.Status, attempt.Outcome));
        Assert.Equal(1, requests);
    }

    [Theory(Timeout = 20_000)]
    [MemberData(nameof(RoutesAndModes))]
    public async Task Headers_later_than_the_response_limit_end_the_first_try_and_are_retried(Route route, bool stream)
    {
        var (completion, requests) = await AnsweredAsync(
            route, stream, [Stall(beforeHeaders: TimeSpan.FromSeconds(10)), Answer(stream)], TestContext.Current.CancellationToken, configure: ShortResponseLimit);

        Assert.Equal("Hello", completion.Text);
        Assert.Null(completion.Attempts[0].Status);
        Assert.StartsWith("no response in time; retrying after ", completion.Attempts[0].Detail, StringComparison.Ordinal);
        Assert.Equal(2, requests);
    }

    public static TheoryData<Route, int, bool> StalledBodies => new()
    {
        { Route.FirstTry, 200, false }, { Route.Loop, 200, false }, // a whole answer's body (streamed answers have their own first-chunk limit)
        { Route.FirstTry, 503, false }, { Route.FirstTry, 503, true }, { Route.Loop, 503, false }, { Route.Loop, 503, true }, // an error's body
    };

    [Theory(Timeout = 20_000)]
    [MemberData(nameof(StalledBodies))]
    public async Task A_body_that_stalls_past_the_response_limit_ends_the_first_try_and_is_retried(Route route, int status, bool stream)
    {
        var (completion, requests) = await AnsweredAsync(route, stream, [HeadersThenStall(status), Answer(stream)], TestContext.Current.CancellationToken, configure: ShortResponseLimit);

        Assert.Equal("Hello", completion.Text);
        Assert.Null(completion.Attempts[0].Status);
        Assert.StartsWith("no response in time; retrying after ", completion.Attempts[0].Detail, StringComparison.Ordinal);
        Assert.Equal(2, requests);
    }

    [Theory(Timeout = 20_000)]
    [MemberData(nameof(RoutesAndModes))]
    public async Task The_caller_cancelling_the_first_try_gets_its_own_cancellation_and_nothing_is_retried(Route route, bool stream)
    {
        var asked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await FaultServer.StartAsync(async context =>
        {
            asked.TrySetResult();
            await Task.Delay(TimeSpan.FromSeconds(10), context.RequestAborted);
        });
        using var client = Client(server, route);
        using var caller = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);

        var call = CallAsync(client, stream, caller.Token);
        await asked.Task.WaitAsync(TestContext.Current.CancellationToken);
        await caller.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call); // not turned into a timeout or a connection failure

        Assert.Equal(1, server.Requests);
    }

    [Theory(Timeout = 20_000)]
    [MemberData(nameof(RoutesAndModes))]
    public async Task The_total_limit_ending_the_first_try_is_the_budget_timeout_with_its_attempt(Route route, bool stream)
    {
        var (ex, requests) = await FailedAsync<KimiTimeoutException>(route, stream, [Stall(beforeHeaders: TimeSpan.FromSeconds(10))], TestContext.Current.CancellationToken, configure: o =>
        {
            o.Resilience.TotalTimeout = TimeSpan.FromSeconds(1);
            o.Resilience.ResponseTimeout = TimeSpan.FromSeconds(20);
            o.Resilience.StreamingResponseTimeout = TimeSpan.FromSeconds(20);
        });

        Assert.StartsWith("No response from Moonshot within the 1 s budget for all tries.", ex.Message, StringComparison.Ordinal);
        var attempt = Assert.Single(ex.Attempts);
        Assert.Equal((KimiAttemptOutcome.Failed, "total time budget spent"), (attempt.Outcome, attempt.Detail));
        Assert.Equal(1, requests);
    }

    [Theory(Timeout = 20_000)]
    [MemberData(nameof(Routes))]
    public async Task A_body_over_the_size_limit_on_the_first_try_is_reported_and_not_retried(Route route)
    {
        var large = Completion.Replace("\"Hello\"", "\"" + new string('x', 8_192) + "\"", StringComparison.Ordinal);

        var (ex, requests) = await FailedAsync<KimiResponseTooLargeException>(route, stream: false, [Json(200, large), Json(200, Completion)], TestContext.Current.CancellationToken, configure: o => o.Limits.MaxResponseBytes = 4_096);

        Assert.Equal(4_096, ex.Limit);
        Assert.Equal(KimiAttemptOutcome.Succeeded, Assert.Single(ex.Attempts).Outcome); // the host answered; its body broke the limit
        Assert.Equal(1, requests);
    }

    [Theory(Timeout = 20_000)]
    [MemberData(nameof(Routes))]
    public async Task A_whole_body_cut_on_the_first_try_is_reported_with_its_attempt_and_not_retried(Route route)
    {
        Func<HttpContext, Task> cut = async context =>
        {
            context.Response.ContentType = "application/json";
            context.Response.ContentLength = Completion.Length;
            await context.Response.WriteAsync(Completion[..40], context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            await Task.Delay(750, context.RequestAborted); // the headers and the start of the body reach the client first
            context.Abort();
        };

        var (ex, requests) = await FailedAsync<KimiConnectionException>(route, stream: false, [cut, Json(200, Completion)], TestContext.Current.CancellationToken);

        Assert.Equal(KimiAttemptOutcome.Succeeded, Assert.Single(ex.Attempts).Outcome); // headers came: the try answered, its body was cut
        Assert.Equal(1, requests);
    }
}

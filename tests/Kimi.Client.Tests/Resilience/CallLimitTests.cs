using System.Net;
using Kimi.Client.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace Kimi.Client.Tests.Resilience;

/// <summary>
/// The call's total limit and the caller's token reach every wait of a call over real sockets: a single try whose own
/// timer is set to what is left of the total limit, retries that run under what is left of it, and a body read that waits.
/// </summary>
public class CallLimitTests
{
    private const string Completion =
        """{"id":"c1","object":"chat.completion","model":"kimi-k2.6","choices":[{"index":0,"message":{"role":"assistant","content":"Hi.","reasoning_content":"Greet."},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":3,"total_tokens":8}}""";

    [Theory(Timeout = 10_000)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    [InlineData(false, false)] // no retry policy: the try runs under the call's own total-limit timer
    public async Task A_total_limit_shorter_than_the_response_limit_ends_the_only_try_with_the_budget_timeout(bool stream, bool resilience)
    {
        var ct = TestContext.Current.CancellationToken;
        var requests = 0;
        await using var server = await LoopbackServer.StartAsync(async context =>
        {
            Interlocked.Increment(ref requests);
            await Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted); // no headers in time
        });
        using var client = TestClients.For(KimiProvider.Moonshot, server.Url, o =>
        {
            o.Resilience.Enabled = resilience;
            o.Resilience.TotalTimeout = TimeSpan.FromSeconds(1);
            o.Resilience.ResponseTimeout = TimeSpan.FromSeconds(20);
            o.Resilience.StreamingResponseTimeout = TimeSpan.FromSeconds(20);
        });

        var started = DateTime.UtcNow;
        var ex = await Assert.ThrowsAsync<KimiTimeoutException>(() => RunAsync(client, stream, ct));

        Assert.Contains("within the 1 s budget for all tries", ex.Message, StringComparison.Ordinal);
        var attempt = Assert.Single(ex.Attempts);
        Assert.Equal(KimiAttemptOutcome.Failed, attempt.Outcome);
        Assert.Equal("total time budget spent", attempt.Detail);
        Assert.Equal(1, Volatile.Read(ref requests));
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(6), "the total limit, not the 20 s response limit, ends the call");
    }

    [Theory(Timeout = 10_000)]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_retry_runs_under_what_is_left_of_the_total_limit(bool stream)
    {
        var ct = TestContext.Current.CancellationToken;
        var requests = 0;
        await using var server = await LoopbackServer.StartAsync(async context =>
        {
            if (Interlocked.Increment(ref requests) == 1)
            {
                await OverloadedAsync(context);
                return;
            }

            await Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted); // the retry gets no headers in time
        });
        using var client = TestClients.For(KimiProvider.Moonshot, server.Url, o =>
        {
            o.Resilience.MaxAttempts = 3;
            o.Resilience.TotalTimeout = TimeSpan.FromSeconds(2);
            o.Resilience.BaseDelay = TimeSpan.FromMilliseconds(20);
            o.Resilience.ResponseTimeout = TimeSpan.FromSeconds(20);
            o.Resilience.StreamingResponseTimeout = TimeSpan.FromSeconds(20);
        });

        var started = DateTime.UtcNow;
        var ex = await Assert.ThrowsAsync<KimiTimeoutException>(() => RunAsync(client, stream, ct));

        Assert.Contains("within the 2 s budget for all tries", ex.Message, StringComparison.Ordinal);
        Assert.Collection(
            ex.Attempts,
            first =>
            {
                Assert.Equal(KimiAttemptOutcome.Retried, first.Outcome);
                Assert.Equal(HttpStatusCode.ServiceUnavailable, first.Status);
            },
            second =>
            {
                Assert.Equal(KimiAttemptOutcome.Failed, second.Outcome);
                Assert.Equal("total time budget spent", second.Detail);
            });
        Assert.Equal(2, Volatile.Read(ref requests));
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(7), "the retry is bounded by the total limit, not by its 20 s response limit");
    }

    [Theory(Timeout = 10_000)]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_retry_that_gets_no_headers_in_time_is_ended_by_its_own_response_limit_and_retried(bool stream)
    {
        // Each try times itself: the retry policy has no timeout of its own, so a retry that hangs must still be ended by
        // its response limit (long before the call's total limit) and tried again.
        var ct = TestContext.Current.CancellationToken;
        var requests = 0;
        await using var server = await LoopbackServer.StartAsync(async context =>
        {
            switch (Interlocked.Increment(ref requests))
            {
                case 1:
                    await OverloadedAsync(context);
                    return;
                case 2:
                    await Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted); // the first retry gets no headers
                    return;
                default:
                    await AnswerAsync(context); // a streaming request answered whole is read as one update
                    return;
            }
        });
        using var client = TestClients.For(KimiProvider.Moonshot, server.Url, o =>
        {
            o.Resilience.MaxAttempts = 3;
            o.Resilience.BaseDelay = TimeSpan.FromMilliseconds(20);
            o.Resilience.ResponseTimeout = TimeSpan.FromMilliseconds(500);
            o.Resilience.StreamingResponseTimeout = TimeSpan.FromMilliseconds(500);
            o.Resilience.TotalTimeout = TimeSpan.FromSeconds(60);
        });

        var started = DateTime.UtcNow;
        var completion = await CompleteOrStreamAsync(client, stream, ct);

        Assert.Equal("Hi.", completion.Text);
        Assert.Collection(
            completion.Attempts,
            first => Assert.Equal((KimiAttemptOutcome.Retried, HttpStatusCode.ServiceUnavailable), (first.Outcome, first.Status!.Value)),
            second =>
            {
                Assert.Equal(KimiAttemptOutcome.Retried, second.Outcome);
                Assert.StartsWith("no response in time", second.Detail, StringComparison.Ordinal);
            },
            third => Assert.Equal(KimiAttemptOutcome.Succeeded, third.Outcome));
        Assert.Equal(3, Volatile.Read(ref requests));
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(8), "the retry's 0.5 s response limit, not the 60 s total, ended it");
    }

    [Fact(Timeout = 20_000)]
    public async Task After_a_lost_connection_the_retry_policy_runs_once_and_its_backoff_never_starts_over()
    {
        // Each call: the first try's connection is dropped, the retry answers 503. The backoff before the first retry is
        // 200–400 ms, before the second 400–800 ms, which the 600 ms total limit always refuses: the call ends with the 503
        // after two requests. Were the policy run a second time for the same host, it would start its backoff over (200–400 ms)
        // and try again about half the time; eight calls make missing that unlikely.
        var ct = TestContext.Current.CancellationToken;
        var requests = 0;
        await using var server = await LoopbackServer.StartAsync(async context =>
        {
            if (Interlocked.Increment(ref requests) % 2 == 1)
            {
                context.Abort(); // the odd requests: each call's first try
                return;
            }

            await OverloadedAsync(context);
        });
        using var client = TestClients.For(KimiProvider.Moonshot, server.Url, o =>
        {
            o.Resilience.MaxAttempts = 10;
            o.Resilience.BaseDelay = TimeSpan.FromMilliseconds(400);
            o.Resilience.TotalTimeout = TimeSpan.FromMilliseconds(600);
        });

        const int Calls = 8;
        for (var call = 1; call <= Calls; call++)
        {
            var ex = await Assert.ThrowsAsync<KimiServerException>(() => client.CompleteAsync("Hi", cancellationToken: ct));

            Assert.Equal(HttpStatusCode.ServiceUnavailable, ex.Status);
            Assert.Collection(
                ex.Attempts,
                first => Assert.Equal((KimiAttemptOutcome.Retried, (HttpStatusCode?)null), (first.Outcome, first.Status)),
                second => Assert.Equal((KimiAttemptOutcome.Failed, (HttpStatusCode?)HttpStatusCode.ServiceUnavailable), (second.Outcome, second.Status)));
            Assert.Equal(2 * call, Volatile.Read(ref requests));
        }
    }

    [Fact(Timeout = 15_000)]
    public async Task The_callers_token_ends_a_waiting_retry_as_a_cancellation_and_the_next_call_is_not_cancelled()
    {
        // The retry's own timer is cancelled by the caller's token: that is the caller's cancellation, not a timeout to retry.
        var ct = TestContext.Current.CancellationToken;
        var requests = 0;
        await using var server = await LoopbackServer.StartAsync(async context =>
        {
            switch (Interlocked.Increment(ref requests))
            {
                case 1:
                    await OverloadedAsync(context);
                    return;
                case 2:
                    await Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted); // the retry waits for headers
                    return;
                default:
                    await AnswerAsync(context);
                    return;
            }
        });
        using var client = TestClients.For(KimiProvider.Moonshot, server.Url, o =>
        {
            o.Resilience.MaxAttempts = 5;
            o.Resilience.BaseDelay = TimeSpan.FromMilliseconds(20);
            o.Resilience.ResponseTimeout = TimeSpan.FromSeconds(20);
        });

        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cancel.CancelAfter(TimeSpan.FromMilliseconds(500));
        var started = DateTime.UtcNow;
        var ex = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.CompleteAsync("Hi", cancellationToken: cancel.Token));

        Assert.IsNotType<KimiTimeoutException>(ex);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(8), "the caller's cancellation, not the 20 s response limit, ended the retry");
        Assert.Equal(2, Volatile.Read(ref requests)); // no try after the cancellation

        var next = await client.CompleteAsync("Hi", cancellationToken: ct); // the same thread's spare timers are not left cancelled
        Assert.Equal("Hi.", next.Text);
        Assert.Equal(3, Volatile.Read(ref requests));
    }

    [Fact(Timeout = 15_000)]
    public async Task The_callers_token_cancels_a_body_read_that_waits_and_the_next_calls_are_not_cancelled()
    {
        var ct = TestContext.Current.CancellationToken;
        const int CallsPerRound = 5; // one cancelled while its body waits, then four that must succeed
        var requests = 0;
        await using var server = await LoopbackServer.StartAsync(async context =>
        {
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/json";
            if (Interlocked.Increment(ref requests) % CallsPerRound == 1)
            {
                await context.Response.WriteAsync("""{"id":"c1","choices":[{"index":0,"message":{"content":"Hal""", context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
                await Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted); // the body waits, far under the idle limit
                return;
            }

            await context.Response.WriteAsync(Completion, context.RequestAborted);
        });
        using var client = TestClients.For(KimiProvider.Moonshot, server.Url, o => o.Resilience.IdleTimeout = TimeSpan.FromSeconds(20));

        // A cancelled call's limits must not be kept for later calls: every call after one must still succeed.
        for (var round = 0; round < 3; round++)
        {
            using var cancel = CancellationTokenSource.CreateLinkedTokenSource(ct);
            cancel.CancelAfter(TimeSpan.FromMilliseconds(300));
            var started = DateTime.UtcNow;
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.CompleteAsync("Hi", cancellationToken: cancel.Token));
            Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(5), "the caller's cancellation ends a waiting body read, not the 20 s idle limit");

            for (var call = 1; call < CallsPerRound; call++)
            {
                var completion = await client.CompleteAsync("Hi", cancellationToken: ct);
                Assert.Equal("Hi.", completion.Text);
            }
        }

        Assert.Equal(3 * CallsPerRound, Volatile.Read(ref requests));
    }

    private static async Task OverloadedAsync(HttpContext context)
    {
        context.Response.StatusCode = 503;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync("""{"error":{"message":"overloaded","type":"server_error"}}""", context.RequestAborted);
    }

    private static async Task AnswerAsync(HttpContext context)
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(Completion, context.RequestAborted);
    }

    private static async Task<ChatCompletion> CompleteOrStreamAsync(KimiClient client, bool stream, CancellationToken cancellationToken)
    {
        if (!stream)
        {
            return await client.CompleteAsync("Hi", cancellationToken: cancellationToken);
        }

        var streaming = client.StreamAsync("Hi", cancellationToken: cancellationToken);
        await foreach (var _ in streaming)
        {
        }

        return streaming.Completion!;
    }

    private static async Task RunAsync(KimiClient client, bool stream, CancellationToken cancellationToken)
    {
        if (stream)
        {
            await foreach (var _ in client.StreamAsync("Hi", cancellationToken: cancellationToken))
            {
            }
        }
        else
        {
            await client.CompleteAsync("Hi", cancellationToken: cancellationToken);
        }
    }
}

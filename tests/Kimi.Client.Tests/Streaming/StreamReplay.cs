using System.Text;
using Kimi.Client.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Kimi.Client.Tests.Streaming;

/// <summary>What a fully enumerated stream produced.</summary>
internal sealed record StreamResult(IReadOnlyList<ChatCompletionUpdate> Updates, ChatCompletion Completion, StreamingChatCompletion Stream)
{
    public ChatCompletionUpdate[] UpdatesWithContent => Updates.Where(static u => u.ContentDelta is not null).ToArray();
}

/// <summary>Replays SSE bytes to a real <see cref="KimiClient"/> over HTTP: WireMock for whole bodies, Kestrel for timing and faults.</summary>
internal static class StreamReplay
{
    /// <summary>A streaming fixture from <c>Streaming/Fixtures</c>, framed as wire bytes.</summary>
    public static string Fixture(string name) => Sse.Frame(Fixtures.Text($"Streaming/Fixtures/{name}"));

    /// <summary>Frames SSE lines written inline (one <c>data: …</c> line per event).</summary>
    public static string Lines(params string[] lines) => Sse.Frame(string.Join('\n', lines));

    /// <summary>A WireMock server answering every POST with the given SSE body.</summary>
    public static WireMockServer Serve(string sse, params (string Name, string Value)[] headers)
    {
        var server = WireMockServer.Start();
        var response = Response.Create().WithStatusCode(200).WithHeader("Content-Type", "text/event-stream");
        foreach (var (name, value) in headers)
        {
            response = response.WithHeader(name, value);
        }

        server.Given(Request.Create().UsingPost()).RespondWith(response.WithBody(Encoding.UTF8.GetBytes(sse)));
        return server;
    }

    public static StreamingChatCompletion Start(KimiClient client, CancellationToken cancellationToken) =>
        client.StreamAsync([KimiMessage.User("Hi")], cancellationToken: cancellationToken);

    /// <summary>Enumerates a stream to the end and returns its updates and completion.</summary>
    public static async Task<StreamResult> CollectAsync(StreamingChatCompletion stream, CancellationToken cancellationToken)
    {
        var updates = new List<ChatCompletionUpdate>();
        await foreach (var update in stream.WithCancellation(cancellationToken))
        {
            updates.Add(update);
        }

        return new StreamResult(updates, stream.Completion ?? throw new InvalidOperationException("Completion was not set after enumeration."), stream);
    }

    /// <summary>Serves <paramref name="sse"/> with WireMock and streams it with a Moonshot client.</summary>
    public static Task<StreamResult> ReplayAsync(string sse, CancellationToken cancellationToken) =>
        ReplayAsync(sse, KimiProvider.Moonshot, [], cancellationToken);

    /// <summary>Serves <paramref name="sse"/> with WireMock and streams it with a client of the given provider.</summary>
    public static Task<StreamResult> ReplayAsync(string sse, KimiProvider provider, CancellationToken cancellationToken) =>
        ReplayAsync(sse, provider, [], cancellationToken);

    /// <summary>Serves <paramref name="sse"/> with extra response headers and streams it.</summary>
    public static async Task<StreamResult> ReplayAsync(
        string sse, KimiProvider provider, (string Name, string Value)[] headers, CancellationToken cancellationToken)
    {
        using var server = Serve(sse, headers);
        using var client = TestClients.For(provider, server.Url!);
        return await CollectAsync(Start(client, cancellationToken), cancellationToken);
    }

    /// <summary>Streams from a Kestrel handler that writes the response itself (pauses, cuts, odd framing).</summary>
    public static Task<StreamResult> ReplayLoopbackAsync(Func<HttpContext, Task> handler, CancellationToken cancellationToken) =>
        ReplayLoopbackAsync(handler, KimiProvider.Moonshot, cancellationToken);

    /// <summary>Streams from a Kestrel handler with a client of the given provider.</summary>
    public static async Task<StreamResult> ReplayLoopbackAsync(Func<HttpContext, Task> handler, KimiProvider provider, CancellationToken cancellationToken)
    {
        await using var server = await LoopbackServer.StartAsync(handler);
        using var client = TestClients.For(provider, server.Url);
        return await CollectAsync(Start(client, cancellationToken), cancellationToken);
    }

    /// <summary>Streams <paramref name="sse"/> expecting a failure; returns the exception and the updates seen before it.</summary>
    public static Task<(TException Exception, IReadOnlyList<ChatCompletionUpdate> Updates)> ReplayFailingAsync<TException>(string sse, CancellationToken cancellationToken)
        where TException : Exception =>
        ReplayFailingAsync<TException>(sse, KimiProvider.Moonshot, cancellationToken);

    /// <summary>Streams <paramref name="sse"/> with a client of the given provider and engine, expecting a failure.</summary>
    public static async Task<(TException Exception, IReadOnlyList<ChatCompletionUpdate> Updates)> ReplayFailingAsync<TException>(
        string sse, KimiProvider provider, CancellationToken cancellationToken)
        where TException : Exception
    {
        using var server = Serve(sse);
        using var client = TestClients.For(provider, server.Url!);
        var updates = new List<ChatCompletionUpdate>();
        var exception = await Assert.ThrowsAnyAsync<TException>(async () =>
        {
            await foreach (var update in Start(client, cancellationToken))
            {
                updates.Add(update);
            }
        });
        return (exception, updates);
    }
}

using Kimi.Client.Tests.Infrastructure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Kimi.Client.Tests.Serialization;

/// <summary>
/// A WireMock server that answers every chat-completions POST with a canned, spec-shaped reply and records what was
/// sent, plus the per-dialect facts the request tests need (dialect id, default model).
/// </summary>
internal sealed class RecordingServer : IDisposable
{
    private RecordingServer(WireMockServer server) => Server = server;

    public WireMockServer Server { get; }

    public string Url => Server.Url!;

    /// <summary>The single request body received (fails if there were none or several).</summary>
    public string Body => Assert.Single(Server.LogEntries).RequestMessage.Body!;

    /// <summary>The body of the most recent request.</summary>
    public string LastBody => Server.LogEntries[^1].RequestMessage.Body!;

    public int RequestCount => Server.LogEntries.Count;

    /// <summary>Answers with a plain completion whose reasoning uses the dialect's own field name.</summary>
    public static RecordingServer Start(KimiProvider provider) =>
        Start(Completion(provider, content: "Paris.", reasoning: "Capital of France."));

    /// <summary>Answers with the given JSON body.</summary>
    public static RecordingServer Start(string completionJson)
    {
        var server = WireMockServer.Start();
        server.Given(Request.Create().WithPath("/*/chat/completions").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(completionJson));
        return new RecordingServer(server);
    }

    /// <summary>Answers with SSE text (one <c>data: …</c> event per line).</summary>
    public static RecordingServer StartStreaming(string events)
    {
        var server = WireMockServer.Start();
        server.Given(Request.Create().WithPath("/*/chat/completions").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "text/event-stream").WithBody(Sse.Frame(events)));
        return new RecordingServer(server);
    }

    /// <summary>Answers with an error status and body.</summary>
    public static RecordingServer StartFailing(int status, string body)
    {
        var server = WireMockServer.Start();
        server.Given(Request.Create().WithPath("/*/chat/completions").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json").WithBody(body));
        return new RecordingServer(server);
    }

    public KimiClient Client(KimiProvider provider, Action<KimiClientOptions>? configure = null, ILoggerFactory? loggerFactory = null) =>
        TestClients.For(provider, Url, configure, loggerFactory);

    public void Dispose() => Server.Dispose();

    /// <summary>The dialect id a profile stamps on the reasoning it receives (<see cref="ReasoningOrigin.Dialect"/>).</summary>
    public static string Dialect(KimiProvider provider) => provider.Dialect;

    /// <summary>Kimi K2.6's model id on the provider (spec README, "Model id").</summary>
    public static string Model(KimiProvider provider) => provider.Model;

    public static ReasoningOrigin Origin(KimiProvider provider) => new(Dialect(provider), Model(provider));

    /// <summary>A non-streamed completion in the dialect's shape: vLLM writes <c>reasoning</c>, the others <c>reasoning_content</c>.</summary>
    public static string Completion(KimiProvider provider, string? content, string? reasoning, string? toolCallsJson = null)
    {
        var reasoningField = Dialect(provider) == "vllm" ? "reasoning" : "reasoning_content";
        var message = new System.Text.Json.Nodes.JsonObject
        {
            ["role"] = "assistant",
            ["content"] = content,
        };
        if (reasoning is not null)
        {
            message[reasoningField] = reasoning;
        }

        if (toolCallsJson is not null)
        {
            message["tool_calls"] = System.Text.Json.Nodes.JsonNode.Parse(toolCallsJson);
        }

        var finish = toolCallsJson is null ? "stop" : "tool_calls";
        return $$$"""
            {"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"{{{Model(provider)}}}",
             "choices":[{"index":0,"message":{{{message.ToJsonString()}}},"finish_reason":"{{{finish}}}"}],
             "usage":{"prompt_tokens":14,"completion_tokens":12,"total_tokens":26}}
            """;
    }

    /// <summary>Builds a client off the test thread (so the test's timeout applies) and returns the exception building it threw.</summary>
    public static Task<T> BuildThrowsAsync<T>(Func<KimiClient> build, CancellationToken cancellationToken)
        where T : Exception =>
        Assert.ThrowsAsync<T>(() => Task.Run(
            () =>
            {
                using var client = build();
            },
            cancellationToken));

    /// <summary>A logger factory that records every line at every level.</summary>
    public static ILoggerFactory Logging(out FakeLogCollector logs)
    {
        var provider = new FakeLoggerProvider();
        logs = provider.Collector;
        return LoggerFactory.Create(builder => builder.SetMinimumLevel(LogLevel.Trace).AddProvider(provider));
    }
}

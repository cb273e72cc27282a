using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Kimi.Client.Agents;
using Kimi.Client.Tests.Infrastructure;
using Kimi.Client.Tests.Serialization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace Kimi.Client.Tests.Agents;

/// <summary>Conformance 48d and 48f: Moonshot's <c>$web_search</c> loop run by <see cref="KimiAgent"/>, over real HTTP.</summary>
public class AgentWebSearchTests
{
    private const string Arguments = "{ \"search_result\": {\"search_id\":\"s1\" }, \"usage\": {\"total_tokens\": 5000} }";

    private static readonly string Quoted = JsonValue.Create(Arguments).ToJsonString();

    private static string SearchCall(string id = "t-web_search-1", string? extraCall = null) =>
        new JsonObject
        {
            ["id"] = "chatcmpl-1", ["object"] = "chat.completion", ["created"] = 1, ["model"] = "kimi-k2.6",
            ["choices"] = new JsonArray(new JsonObject
            {
                ["index"] = 0,
                ["message"] = JsonNode.Parse(
                    $$$"""{"role":"assistant","content":"","tool_calls":[{"index":0,"id":"{{{id}}}","type":"builtin_function","function":{"name":"$web_search","arguments":{{{Quoted}}}}}{{{extraCall}}}]}"""),
                ["finish_reason"] = "tool_calls",
            }),
            ["usage"] = JsonNode.Parse("""{"prompt_tokens":30,"completion_tokens":8,"total_tokens":38}"""),
        }.ToJsonString();

    private const string Grounded =
        """{"id":"chatcmpl-2","object":"chat.completion","created":2,"model":"kimi-k2.6","choices":[{"index":0,"message":{"role":"assistant","content":"The docs added partial mode."},"finish_reason":"stop"}],"usage":{"prompt_tokens":5040,"completion_tokens":120,"total_tokens":5160}}""";

    private static async Task<LoopbackServer> ServeAsync(params string[] replies)
    {
        var queue = new ConcurrentQueue<string>(replies);
        return await LoopbackServer.StartAsync(async context =>
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(queue.TryDequeue(out var next) ? next : replies[^1], context.RequestAborted);
        });
    }

    private static KimiClient Client(LoopbackServer server, Action<KimiClientOptions>? configure = null, ILoggerFactory? loggerFactory = null) =>
        TestClients.For(KimiProvider.Moonshot, server.Url, configure, loggerFactory);

    [Fact(Timeout = 30_000)]
    public async Task A_search_call_is_echoed_byte_for_byte_with_thinking_off_and_the_answer_is_grounded()
    {
        await using var server = await ServeAsync(SearchCall(), Grounded);
        using var client = Client(server);
        var agent = new KimiAgent(client, [], new KimiAgentOptions { WebSearch = true, CallOptions = new ChatCompletionOptions { MaxOutputTokens = 4096 } });

        var run = await agent.RunAsync([KimiMessage.User("Latest Kimi API news?")], TestContext.Current.CancellationToken);

        var bodies = server.RequestBodies.ToArray();
        Assert.Equal(2, bodies.Length);
        JsonAssert.Equal(
            """{"model":"kimi-k2.6","messages":[{"role":"user","content":"Latest Kimi API news?"}],"tools":[{"type":"builtin_function","function":{"name":"$web_search"}}],"thinking":{"type":"disabled"},"max_completion_tokens":4096}""",
            bodies[0]);
        var second = JsonNode.Parse(bodies[1])!;
        var messages = second["messages"]!.AsArray();
        JsonAssert.Equal(
            $$$"""[{"role":"assistant","content":"","tool_calls":[{"id":"t-web_search-1","type":"builtin_function","function":{"name":"$web_search","arguments":{{{Quoted}}}}}]},{"role":"tool","tool_call_id":"t-web_search-1","name":"$web_search","content":{{{Quoted}}}}]""",
            new JsonArray(messages[^2]!.DeepClone(), messages[^1]!.DeepClone()).ToJsonString());
        Assert.Equal(Arguments, messages[^1]!["content"]!.GetValue<string>()); // odd spacing included
        Assert.Equal("{\"type\":\"disabled\"}", second["thinking"]!.ToJsonString());
        Assert.Null(second["stream"]);
        Assert.Null(second["temperature"]);

        Assert.Equal(KimiAgentStopReason.Completed, run.StopReason);
        Assert.Equal("The docs added partial mode.", run.Text);
        Assert.Equal(5070, run.Usage.InputTokens);
        Assert.Equal(128, run.Usage.OutputTokens);
        Assert.Equal(1, run.WebSearchCalls);
        Assert.Equal(5000, run.WebSearchResultTokens);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_caller_tool_in_the_same_turn_is_run_by_the_caller_not_echoed()
    {
        const string extra = """,{"index":1,"id":"get_time_1","type":"function","function":{"name":"get_time","arguments":"{}"}}""";
        await using var server = await ServeAsync(SearchCall(extraCall: extra), Grounded);
        using var client = Client(server);
        var agent = new KimiAgent(client, [AIFunctionFactory.Create(() => "12:00", "get_time")], new KimiAgentOptions { WebSearch = true });

        var run = await agent.RunAsync([KimiMessage.User("Latest Kimi API news?")], TestContext.Current.CancellationToken);

        var messages = JsonNode.Parse(server.RequestBodies.ToArray()[1])!["messages"]!.AsArray();
        var results = messages.Where(static m => m!["role"]!.GetValue<string>() == "tool").ToDictionary(static m => m!["tool_call_id"]!.GetValue<string>(), static m => m!["content"]!.GetValue<string>());
        Assert.Equal(Arguments, results["t-web_search-1"]);
        Assert.Equal("12:00", results["get_time_1"]);
        Assert.Equal(1, run.WebSearchCalls);
        Assert.Equal(KimiAgentStopReason.Completed, run.StopReason);
    }

    [Fact(Timeout = 30_000)]
    public async Task More_than_eight_search_rounds_end_the_run_with_a_loop_exception()
    {
        await using var server = await ServeAsync(SearchCall());
        using var client = Client(server);
        var agent = new KimiAgent(client, [], new KimiAgentOptions { WebSearch = true });

        var run = await agent.RunAsync([KimiMessage.User("Latest Kimi API news?")], TestContext.Current.CancellationToken);

        Assert.Equal(KimiAgentStopReason.Failed, run.StopReason);
        var loop = Assert.IsType<KimiWebSearchLoopException>(run.Exception);
        Assert.Equal(9, loop.Rounds);
        Assert.Equal(9, server.RequestBodies.Count); // eight rounds answered, the ninth stops the run
        Assert.Equal(8, run.WebSearchCalls);
    }

    [Fact(Timeout = 30_000)]
    public async Task With_thinking_on_every_search_call_goes_with_thinking_off_and_one_warning_says_so()
    {
        using var loggerFactory = RecordingServer.Logging(out var logs);
        await using var server = await ServeAsync(SearchCall("t-1"), SearchCall("t-2"), Grounded);
        using var client = Client(server, o => o.Thinking = ThinkingMode.Enabled, loggerFactory);
        var agent = new KimiAgent(client, [], new KimiAgentOptions { WebSearch = true });

        var run = await agent.RunAsync([KimiMessage.User("Latest Kimi API news?")], TestContext.Current.CancellationToken);

        Assert.Equal(3, server.RequestBodies.Count);
        Assert.All(server.RequestBodies, body => Assert.Contains("\"thinking\":{\"type\":\"disabled\"}", body));
        Assert.Single(logs.GetSnapshot(), r => r.Id.Name == "WebSearchThinkingDisabled");
        Assert.Equal(2, run.WebSearchCalls);
        Assert.Equal(10000, run.WebSearchResultTokens);
    }

    [Theory(Timeout = 10_000)]
    [InlineData("Vllm")]
    [InlineData("SGLang")]
    [InlineData("DeepInfra")]
    [InlineData("Nvidia")]
    [InlineData("Ollama")]
    public async Task Hosts_without_the_builtin_refuse_web_search_before_sending(string name)
    {
        var provider = KimiProvider.FromName(name);
        using var server = RecordingServer.Start(provider);
        using var client = server.Client(provider);

        var error = await Assert.ThrowsAsync<NotSupportedException>(() => client.CompleteAsync("Latest news?", new ChatCompletionOptions { WebSearch = true }, TestContext.Current.CancellationToken));

        Assert.Contains($"the {provider.Name} profile", error.Message);
        Assert.Contains("$web_search", error.Message);
        Assert.Equal(0, server.RequestCount);
    }
}

using System.Collections.Concurrent;
using System.ComponentModel;
using System.Text.Json;
using Kimi.Client.Agents;
using Kimi.Client.Testing;
using Kimi.Client.Tests.Infrastructure;
using Microsoft.Extensions.AI;

namespace Kimi.Client.Tests.Agents;

/// <summary>How the loop runs the tools the model asks for: concurrency, order, ids, bad arguments, failures, unknown names.</summary>
public class AgentToolInvocationTests
{
    [Fact(Timeout = 15_000)]
    public async Task Two_calls_in_one_turn_run_concurrently_and_their_results_go_back_in_call_order_with_ids_verbatim()
    {
        await using var emulator = AgentHarness.Emulator(KimiProvider.Vllm);
        using var client = AgentHarness.InMemoryClient(emulator);
        var arrivals = 0;
        var bothArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var secondDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var completionOrder = new ConcurrentQueue<string>();
        var step = AIFunctionFactory.Create(
            async ([Description("Which call this is.")] string label, CancellationToken cancellationToken) =>
            {
                if (Interlocked.Increment(ref arrivals) == 2)
                {
                    bothArrived.TrySetResult();
                }

                // Neither call returns until both are running: sequential execution would hang here.
                await bothArrived.Task.WaitAsync(cancellationToken);
                if (label == "first")
                {
                    await secondDone.Task.WaitAsync(cancellationToken); // the first call finishes last
                }

                completionOrder.Enqueue(label);
                if (label == "second")
                {
                    secondDone.TrySetResult();
                }

                return $"done:{label}";
            },
            "step",
            "Runs one step.");
        emulator.Enqueue(EmulatorReply.FromToolCalls(
            "Run both at once.",
            new EmulatorToolCall("step", """{"label":"first"}""", "functions.step:0"),
            new EmulatorToolCall("step", """{"label":"second"}""", "call_ÄÖ/second#1")));
        emulator.Enqueue(EmulatorReply.FromText("Both done."));
        var agent = new KimiAgent(client, [step], new KimiAgentOptions { MaxParallelToolCalls = 2 });

        var result = await agent.RunAsync(AgentHarness.Conversation(), TestContext.Current.CancellationToken);

        Assert.Equal(KimiAgentStopReason.Completed, result.StopReason);
        Assert.Equal(["second", "first"], completionOrder);
        var wire = AgentHarness.Messages(emulator.Requests[1]);
        Assert.Equal(["functions.step:0", "call_ÄÖ/second#1"], wire[2].GetProperty("tool_calls").EnumerateArray().Select(c => c.GetProperty("id").GetString()));
        Assert.Equal("functions.step:0", wire[3].GetProperty("tool_call_id").GetString());
        Assert.Equal("done:first", wire[3].GetProperty("content").GetString());
        Assert.Equal("call_ÄÖ/second#1", wire[4].GetProperty("tool_call_id").GetString());
        Assert.Equal("done:second", wire[4].GetProperty("content").GetString());
    }

    [Theory(Timeout = 15_000)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task No_more_tool_calls_run_at_once_than_MaxParallelToolCalls(int limit)
    {
        await using var emulator = AgentHarness.Emulator();
        using var client = AgentHarness.InMemoryClient(emulator);
        var running = 0;
        var peak = 0;
        var slow = AIFunctionFactory.Create(
            async (int n, CancellationToken cancellationToken) =>
            {
                var now = Interlocked.Increment(ref running);
                InterlockedMax(ref peak, now);
                await Task.Delay(50, cancellationToken);
                Interlocked.Decrement(ref running);
                return n * 10;
            },
            "slow",
            "Takes a while.");
        emulator.Enqueue(EmulatorReply.FromToolCalls("Five at once.", [.. Enumerable.Range(0, 5).Select(i => new EmulatorToolCall("slow", $$"""{"n":{{i}}}"""))]));
        emulator.Enqueue(EmulatorReply.FromText("Done."));
        var agent = new KimiAgent(client, [slow], new KimiAgentOptions { MaxParallelToolCalls = limit });

        var result = await agent.RunAsync(AgentHarness.Conversation(), TestContext.Current.CancellationToken);

        Assert.Equal(KimiAgentStopReason.Completed, result.StopReason);
        Assert.Equal(limit, peak);
        Assert.Equal(["0", "10", "20", "30", "40"], result.Messages.Where(m => m.Role == MessageRole.Tool).Select(m => m.Text));
    }

    [Fact(Timeout = 15_000)]
    public async Task Invalid_argument_json_is_answered_with_an_error_result_without_calling_the_tool_and_the_loop_continues()
    {
        await using var emulator = AgentHarness.Emulator();
        using var client = AgentHarness.InMemoryClient(emulator);
        var calls = 0;
        emulator.Enqueue(EmulatorReply.FromToolCalls("Call it.", new EmulatorToolCall("get_weather", """{"city": "Par""", "get_weather_0")));
        emulator.Enqueue(EmulatorReply.FromToolCalls("Retry properly.", new EmulatorToolCall("get_weather", """{"city":"Paris"}""", "get_weather_1")));
        emulator.Enqueue(EmulatorReply.FromText("Sunny."));
        var agent = new KimiAgent(client, [AgentHarness.Weather(_ => calls++)]);

        var result = await agent.RunAsync(AgentHarness.Conversation(), TestContext.Current.CancellationToken);

        Assert.Equal(KimiAgentStopReason.Completed, result.StopReason);
        Assert.Equal(1, calls);
        var wire = AgentHarness.Messages(emulator.Requests[1]);
        Assert.Equal("""{"city": "Par""", wire[2].GetProperty("tool_calls")[0].GetProperty("function").GetProperty("arguments").GetString());
        var error = wire[3].GetProperty("content").GetString()!;
        Assert.StartsWith("Error: the arguments for 'get_weather' were not valid JSON", error, StringComparison.Ordinal);
        Assert.Equal("get_weather_0", wire[3].GetProperty("tool_call_id").GetString());
        Assert.Equal("Sunny in Paris", AgentHarness.Message(emulator.Requests[2], 5).GetProperty("content").GetString());
    }

    [Fact(Timeout = 15_000)]
    public async Task A_tool_that_throws_sends_its_error_to_the_model_by_default()
    {
        await using var emulator = AgentHarness.Emulator(KimiProvider.DeepInfra);
        using var client = AgentHarness.InMemoryClient(emulator);
        emulator.Enqueue(EmulatorReply.FromToolCalls("Try it.", new EmulatorToolCall("flaky", "{}")));
        emulator.Enqueue(EmulatorReply.FromText("The tool is down."));
        var agent = new KimiAgent(client, [Flaky()]);

        var result = await agent.RunAsync(AgentHarness.Conversation(), TestContext.Current.CancellationToken);

        Assert.Equal(KimiAgentStopReason.Completed, result.StopReason);
        Assert.Null(result.Exception);
        Assert.Equal("Error: 'flaky' failed: Weather service unavailable.", AgentHarness.Message(emulator.Requests[1], 3).GetProperty("content").GetString());
    }

    [Fact(Timeout = 15_000)]
    public async Task A_tool_that_throws_ends_the_run_with_ToolError_when_StopOnToolError_is_set()
    {
        await using var emulator = AgentHarness.Emulator(KimiProvider.DeepInfra);
        using var client = AgentHarness.InMemoryClient(emulator);
        emulator.Enqueue(EmulatorReply.FromToolCalls("Try both.", new EmulatorToolCall("flaky", "{}"), new EmulatorToolCall("get_weather", """{"city":"Paris"}""")));
        var agent = new KimiAgent(client, [Flaky(), AgentHarness.Weather()], new KimiAgentOptions { StopOnToolError = true });

        var result = await agent.RunAsync(AgentHarness.Conversation(), TestContext.Current.CancellationToken);

        Assert.Equal(KimiAgentStopReason.ToolError, result.StopReason);
        Assert.Equal("Weather service unavailable.", Assert.IsType<InvalidOperationException>(result.Exception).Message);
        Assert.Single(emulator.Requests);
        Assert.Equal(1, result.Steps);
        // The history still answers every call, so the caller can resume it.
        Assert.Equal(["Error: 'flaky' failed: Weather service unavailable.", "Sunny in Paris"], result.Messages.Where(m => m.Role == MessageRole.Tool).Select(m => m.Text));
    }

    [Fact(Timeout = 15_000)]
    public async Task An_unknown_tool_name_is_answered_with_an_error_result_naming_the_available_tools()
    {
        await using var emulator = AgentHarness.Emulator(KimiProvider.Nvidia);
        using var client = AgentHarness.InMemoryClient(emulator);
        emulator.Enqueue(EmulatorReply.FromToolCalls("Launch.", new EmulatorToolCall("launch_rockets", """{"count":3}""")));
        emulator.Enqueue(EmulatorReply.FromText("I cannot launch rockets."));
        var agent = new KimiAgent(client, [AgentHarness.Weather(), AgentHarness.Time()]);

        var result = await agent.RunAsync(AgentHarness.Conversation(), TestContext.Current.CancellationToken);

        Assert.Equal(KimiAgentStopReason.Completed, result.StopReason);
        Assert.Equal(
            "Error: there is no tool named 'launch_rockets'. Available tools: get_weather, get_time.",
            AgentHarness.Message(emulator.Requests[1], 3).GetProperty("content").GetString());
    }

    [Fact(Timeout = 15_000)]
    public async Task A_hand_made_AIFunction_with_a_raw_schema_is_declared_verbatim_and_invoked_with_the_model_arguments()
    {
        await using var emulator = AgentHarness.Emulator(KimiProvider.SGLang);
        using var client = AgentHarness.InMemoryClient(emulator);
        var lookup = new OrderLookupFunction();
        emulator.Enqueue(EmulatorReply.FromToolCalls("Look it up.", new EmulatorToolCall("lookup_order", """{"order_id":"A-17","include_items":true}""")));
        emulator.Enqueue(EmulatorReply.FromText("Order A-17 has shipped."));
        var agent = new KimiAgent(client, [lookup, AgentHarness.Weather()]);

        var result = await agent.RunAsync(AgentHarness.Conversation(), TestContext.Current.CancellationToken);

        Assert.Equal(KimiAgentStopReason.Completed, result.StopReason);
        var tools = emulator.Requests[0].Json.GetProperty("tools");
        JsonAssert.Equal(
            $$$"""{"type":"function","function":{"name":"lookup_order","description":"Looks up an order by id.","parameters":{{{OrderLookupFunction.Schema}}}}}""",
            tools[0].GetRawText());
        var weatherParameters = tools[1].GetProperty("function").GetProperty("parameters");
        Assert.Equal("string", weatherParameters.GetProperty("properties").GetProperty("city").GetProperty("type").GetString());
        Assert.Equal("The city, in English.", weatherParameters.GetProperty("properties").GetProperty("city").GetProperty("description").GetString());
        Assert.Equal("A-17 (items: True): shipped", Assert.Single(lookup.Seen));
        Assert.Equal("""{"status":"shipped"}""", AgentHarness.Message(emulator.Requests[1], 3).GetProperty("content").GetString());
    }

    [Fact(Timeout = 15_000)]
    public async Task Two_tools_with_the_same_name_are_rejected_when_the_agent_is_created()
    {
        await using var emulator = AgentHarness.Emulator();
        using var client = AgentHarness.InMemoryClient(emulator);

        var error = Assert.Throws<ArgumentException>(() => new KimiAgent(client, [AgentHarness.Weather(), AgentHarness.Weather()]));

        Assert.Contains("get_weather", error.Message, StringComparison.Ordinal);
        await Task.Yield();
        TestContext.Current.CancellationToken.ThrowIfCancellationRequested();
    }

    private static AIFunction Flaky() => AIFunctionFactory.Create(
        string () => throw new InvalidOperationException("Weather service unavailable."),
        "flaky",
        "Calls a flaky service.");

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }

    /// <summary>A tool written by hand: its schema is raw JSON, its arguments arrive as <see cref="JsonElement"/>s.</summary>
    private sealed class OrderLookupFunction : AIFunction
    {
        public const string Schema = """{"type":"object","properties":{"order_id":{"type":"string","description":"The order id, like A-17."},"include_items":{"type":"boolean"}},"required":["order_id"],"additionalProperties":false}""";

        private static readonly JsonElement SchemaElement = JsonDocument.Parse(Schema).RootElement.Clone();

        public ConcurrentQueue<string> Seen { get; } = new();

        public override string Name => "lookup_order";

        public override string Description => "Looks up an order by id.";

        public override JsonElement JsonSchema => SchemaElement;

        protected override ValueTask<object?> InvokeCoreAsync(AIFunctionArguments arguments, CancellationToken cancellationToken)
        {
            var id = ((JsonElement)arguments["order_id"]!).GetString();
            var items = arguments.TryGetValue("include_items", out var value) && value is JsonElement { ValueKind: JsonValueKind.True };
            Seen.Enqueue($"{id} (items: {items}): shipped");
            return ValueTask.FromResult<object?>(JsonDocument.Parse("""{"status":"shipped"}""").RootElement.Clone());
        }
    }
}

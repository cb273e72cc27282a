using Kimi.Client.Agents;
using Kimi.Client.Testing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Time.Testing;

namespace Kimi.Client.Tests.Agents;

/// <summary>Every budget stops a run cleanly with the reason and the history; the output cap is clamped to what is left.</summary>
public class AgentBudgetTests
{
    private const string User = "Weather?"; // 8 characters: the agent's first prompt estimate is 8 / 4 = 2 tokens

    private static EmulatorReply WeatherCall(int prompt, int completion, int cached = 0, int reasoning = 0) =>
        new EmulatorReply { Reasoning = "Check again.", PromptTokens = prompt, CompletionTokens = completion, CachedTokens = cached, ReasoningTokens = reasoning }
            .WithCall(new EmulatorToolCall("get_weather", """{"city":"Oslo"}"""));

    private static AIFunction Sunny() => AIFunctionFactory.Create((string city) => "Sun!", "get_weather", "Weather."); // 4 characters: 1 token

    [Fact(Timeout = 15_000)]
    public async Task MaxSteps_stops_a_run_that_keeps_calling_tools_after_that_many_model_calls()
    {
        await using var emulator = AgentHarness.Emulator();
        using var client = AgentHarness.InMemoryClient(emulator);
        emulator.Responder = _ => WeatherCall(100, 10);
        var agent = new KimiAgent(client, [Sunny()], new KimiAgentOptions { MaxSteps = 3 });

        var result = await agent.RunAsync([KimiMessage.User(User)], TestContext.Current.CancellationToken);

        Assert.Equal(KimiAgentStopReason.MaxSteps, result.StopReason);
        Assert.Equal(3, result.Steps);
        Assert.Equal(3, emulator.Requests.Count);
        Assert.Equal(
            [MessageRole.User, MessageRole.Assistant, MessageRole.Tool, MessageRole.Assistant, MessageRole.Tool, MessageRole.Assistant, MessageRole.Tool],
            result.Messages.Select(m => m.Role));
        Assert.Equal(string.Empty, result.Text);
    }

    [Fact(Timeout = 15_000)]
    public async Task MaxTotalTokens_clamps_each_calls_output_cap_on_the_wire_and_stops_before_a_call_that_cannot_fit()
    {
        await using var emulator = AgentHarness.Emulator();
        using var client = AgentHarness.InMemoryClient(emulator);
        emulator.Enqueue(WeatherCall(prompt: 300, completion: 100));
        emulator.Enqueue(WeatherCall(prompt: 420, completion: 600));
        emulator.Enqueue(EmulatorReply.FromText("never sent"));
        var agent = new KimiAgent(client, [Sunny()], new KimiAgentOptions { MaxTotalTokens = 2_000 });

        var result = await agent.RunAsync([KimiMessage.User(User)], TestContext.Current.CancellationToken);

        Assert.Equal(KimiAgentStopReason.TokenBudget, result.StopReason);
        Assert.Equal(2, emulator.Requests.Count);
        // Call 1: 2,000 − 0 used − 2 estimated prompt. Call 2: 2,000 − 400 used − (400 context + 1 for the tool result).
        Assert.Equal(1_998, emulator.Requests[0].Json.GetProperty("max_completion_tokens").GetInt32());
        Assert.Equal(1_199, emulator.Requests[1].Json.GetProperty("max_completion_tokens").GetInt32());
        // Call 3 would start from 2,000 − 1,420 − (1,020 + 1) < 1 token of room.
        Assert.Equal(1_420, result.Usage.TotalTokens);
        Assert.Equal(5, result.Messages.Count);
    }

    [Fact(Timeout = 15_000)]
    public async Task Step_events_report_the_tokens_money_and_steps_left_in_each_budget()
    {
        await using var emulator = AgentHarness.Emulator();
        using var client = AgentHarness.InMemoryClient(emulator);
        emulator.Enqueue(WeatherCall(prompt: 300, completion: 100));
        emulator.Enqueue(EmulatorReply.FromText("Sunny."));
        var agent = new KimiAgent(client, [Sunny()], new KimiAgentOptions { MaxTotalTokens = 10_000, MaxCostUsd = 1m, MaxSteps = 5 });

        var completed = new List<KimiAgentBudgetStatus>();
        KimiAgentEvent? lastEvent = null;
        await foreach (var item in agent.RunStreamingAsync([KimiMessage.User(User)], TestContext.Current.CancellationToken))
        {
            if (item is KimiAgentModelCallCompleted call)
            {
                completed.Add(call.Budget);
            }
            else if (item is KimiAgentRunCompleted end)
            {
                completed.Add(end.Budget);
            }

            lastEvent = item;
        }

        var first = completed[0];
        Assert.Equal(10_000 - 400, first.RemainingTokens);
        Assert.Equal(1m - first.CostUsd, first.RemainingCostUsd);
        Assert.Equal(4, first.RemainingSteps);
        var last = completed[^1];
        Assert.IsType<KimiAgentRunCompleted>(lastEvent);
        Assert.Equal(10_000 - last.Usage.TotalTokens, last.RemainingTokens);
        Assert.Equal(3, last.RemainingSteps);
    }

    [Fact(Timeout = 15_000)]
    public async Task MaxCostUsd_clamps_the_output_cap_to_the_money_left_and_stops_with_the_exact_moonshot_cost()
    {
        await using var emulator = AgentHarness.Emulator();
        using var client = AgentHarness.InMemoryClient(emulator);
        emulator.Responder = _ => WeatherCall(prompt: 10_000, completion: 2_000, cached: 4_000, reasoning: 500);
        var agent = new KimiAgent(client, [Sunny()], new KimiAgentOptions { MaxCostUsd = 0.03m });

        var result = await agent.RunAsync([KimiMessage.User(User)], TestContext.Current.CancellationToken);

        Assert.Equal(KimiAgentStopReason.CostBudget, result.StopReason);
        Assert.Equal(2, emulator.Requests.Count);
        // Moonshot: $0.95 input, $0.16 cached input, $4.00 output per million tokens, on the usage the emulator reported.
        var perCall = ((10_000 - 4_000) * 0.95m + 4_000 * 0.16m + 2_000 * 4.00m) / 1_000_000m;
        Assert.Equal(0.01434m, perCall);
        Assert.Equal(2 * perCall, result.CostUsd);
        Assert.Equal(new int?[] { 20_000, 8_000, 4_000, 1_000 }, new int?[] { result.Usage.InputTokens, result.Usage.CachedInputTokens, result.Usage.OutputTokens, result.Usage.ReasoningTokens });
        // Call 1: ($0.03 − 2 × $0.95/M) / $4/M = 7,499 tokens. Call 2: ($0.03 − $0.01434 − 12,001 × $0.95/M) / $4/M = 1,064.
        Assert.Equal(7_499, emulator.Requests[0].Json.GetProperty("max_completion_tokens").GetInt32());
        Assert.Equal(1_064, emulator.Requests[1].Json.GetProperty("max_completion_tokens").GetInt32());
    }

    [Theory(Timeout = 15_000)]
    [InlineData("Nvidia")]
    [InlineData("Vllm")]
    [InlineData("SGLang")]
    public async Task A_cost_budget_without_a_price_throws_before_any_request_and_runs_once_a_price_is_given(string providerName)
    {
        var provider = KimiProvider.FromName(providerName);
        await using var emulator = AgentHarness.Emulator(provider);
        using var client = AgentHarness.InMemoryClient(emulator);
        var unpriced = new KimiAgent(client, [Sunny()], new KimiAgentOptions { MaxCostUsd = 1m });

        var error = Assert.Throws<InvalidOperationException>(() => unpriced.RunStreamingAsync([KimiMessage.User(User)], TestContext.Current.CancellationToken));
        await Assert.ThrowsAsync<InvalidOperationException>(() => unpriced.RunAsync([KimiMessage.User(User)], TestContext.Current.CancellationToken));

        Assert.Contains("KimiAgentOptions.Pricing", error.Message, StringComparison.Ordinal);
        Assert.Empty(emulator.Requests);

        emulator.Enqueue(new EmulatorReply { Text = "Hi.", PromptTokens = 1_000_000, CompletionTokens = 100_000 });
        var priced = new KimiAgent(client, [Sunny()], new KimiAgentOptions { MaxCostUsd = 1m, Pricing = new KimiPricing(0.10m, 0.01m, 2.00m) });
        var result = await priced.RunAsync([KimiMessage.User(User)], TestContext.Current.CancellationToken);
        Assert.Equal(KimiAgentStopReason.Completed, result.StopReason);
        Assert.Equal(0.30m, result.CostUsd);
    }

    [Fact(Timeout = 15_000)]
    public async Task Usage_and_cost_are_summed_exactly_across_steps_with_deepinfra_prices()
    {
        await using var emulator = AgentHarness.Emulator(KimiProvider.DeepInfra);
        using var client = AgentHarness.InMemoryClient(emulator);
        emulator.Enqueue(WeatherCall(prompt: 1_200, completion: 300, cached: 200, reasoning: 120));
        emulator.Enqueue(WeatherCall(prompt: 1_650, completion: 410, cached: 1_100, reasoning: 90));
        emulator.Enqueue(new EmulatorReply { Text = "Done.", Reasoning = "Finish.", PromptTokens = 2_100, CompletionTokens = 57, CachedTokens = 1_600, ReasoningTokens = 7 });
        var events = new List<KimiAgentEvent>();
        var agent = new KimiAgent(client, [Sunny()]);

        await foreach (var item in agent.RunStreamingAsync([KimiMessage.User(User)], TestContext.Current.CancellationToken))
        {
            events.Add(item);
        }

        var result = Assert.IsType<KimiAgentRunCompleted>(events[^1]).Result;
        Assert.Equal(KimiAgentStopReason.Completed, result.StopReason);
        Assert.Equal(4_950, result.Usage.InputTokens);
        Assert.Equal(2_900, result.Usage.CachedInputTokens);
        Assert.Equal(767, result.Usage.OutputTokens);
        Assert.Equal(217, result.Usage.ReasoningTokens);
        Assert.Equal(5_717, result.Usage.TotalTokens);
        // DeepInfra: $0.75 / $0.15 / $3.50 per million.
        Assert.Equal(((4_950 - 2_900) * 0.75m + 2_900 * 0.15m + 767 * 3.50m) / 1_000_000m, result.CostUsd);
        // Each completed call reports the running totals.
        var completed = events.OfType<KimiAgentModelCallCompleted>().ToList();
        Assert.Equal([1_500, 3_560, 5_717], completed.Select(e => e.Budget.Usage.TotalTokens));
        Assert.Equal(((1_000 * 0.75m) + (200 * 0.15m) + (300 * 3.50m)) / 1_000_000m, completed[0].Budget.CostUsd);
    }

    [Fact(Timeout = 15_000)]
    public async Task MaxWallTime_on_a_fake_clock_stops_the_run_and_keeps_the_finished_tool_results()
    {
        await using var emulator = AgentHarness.Emulator();
        using var client = AgentHarness.InMemoryClient(emulator);
        var clock = new FakeTimeProvider();
        var slowTool = AIFunctionFactory.Create(
            (string city) =>
            {
                clock.Advance(TimeSpan.FromMinutes(10)); // the tool takes ten minutes of the run's five
                return "Sun!";
            },
            "get_weather",
            "Weather.");
        emulator.Responder = _ => WeatherCall(100, 10);
        var agent = new KimiAgent(client, [slowTool], new KimiAgentOptions { MaxWallTime = TimeSpan.FromMinutes(5), TimeProvider = clock });

        var result = await agent.RunAsync([KimiMessage.User(User)], TestContext.Current.CancellationToken);

        Assert.Equal(KimiAgentStopReason.WallTime, result.StopReason);
        Assert.Single(emulator.Requests);
        Assert.Equal([MessageRole.User, MessageRole.Assistant, MessageRole.Tool], result.Messages.Select(m => m.Role));
        Assert.Equal("Sun!", result.Messages[2].Text);
    }

    [Fact(Timeout = 15_000)]
    public async Task MaxWallTime_on_the_real_clock_stops_a_model_call_that_takes_too_long()
    {
        await using var emulator = AgentHarness.Emulator();
        using var client = AgentHarness.InMemoryClient(emulator);
        emulator.Enqueue(WeatherCall(100, 10));
        emulator.Enqueue(new EmulatorReply { Text = "Too late.", Delay = TimeSpan.FromSeconds(30) });
        var agent = new KimiAgent(client, [Sunny()], new KimiAgentOptions { MaxWallTime = TimeSpan.FromMilliseconds(500) });

        var result = await agent.RunAsync([KimiMessage.User(User)], TestContext.Current.CancellationToken);

        Assert.Equal(KimiAgentStopReason.WallTime, result.StopReason);
        Assert.Equal(2, result.Steps);
        Assert.Equal([MessageRole.User, MessageRole.Assistant, MessageRole.Tool], result.Messages.Select(m => m.Role));
    }

    [Fact(Timeout = 15_000)]
    public async Task The_callers_token_cancels_an_in_flight_model_call_with_Cancelled_and_the_history_intact()
    {
        await using var emulator = AgentHarness.Emulator();
        using var client = AgentHarness.InMemoryClient(emulator);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        emulator.Enqueue(WeatherCall(100, 10));
        emulator.Enqueue(new EmulatorReply { Text = "Never arrives.", Delay = TimeSpan.FromSeconds(30) });
        var agent = new KimiAgent(client, [Sunny()]);
        KimiAgentRunResult? result = null;

        await foreach (var item in agent.RunStreamingAsync([KimiMessage.User(User)], cts.Token))
        {
            if (item is KimiAgentModelCallStarted { Step: 2 })
            {
                await cts.CancelAsync();
            }

            result = (item as KimiAgentRunCompleted)?.Result ?? result;
        }

        Assert.NotNull(result);
        Assert.Equal(KimiAgentStopReason.Cancelled, result.StopReason);
        Assert.Equal([MessageRole.User, MessageRole.Assistant, MessageRole.Tool], result.Messages.Select(m => m.Role));
        Assert.Equal("get_weather_0", result.Messages[1].ToolCalls[0].Id);
        Assert.Equal("Check again.", result.Messages[1].Reasoning);
        Assert.Equal(110, result.Usage.TotalTokens);
    }

    [Fact(Timeout = 15_000)]
    public async Task Cancelling_while_tools_run_answers_every_call_so_the_history_can_be_resumed()
    {
        await using var emulator = AgentHarness.Emulator();
        using var client = AgentHarness.InMemoryClient(emulator);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var quick = AIFunctionFactory.Create(() => "quick result", "quick", "Returns at once.");
        var stuck = AIFunctionFactory.Create(
            async (CancellationToken cancellationToken) =>
            {
                await cts.CancelAsync();
                await Task.Delay(Timeout.Infinite, cancellationToken);
                return "never";
            },
            "stuck",
            "Never returns.");
        emulator.Enqueue(EmulatorReply.FromToolCalls("Both.", new EmulatorToolCall("quick", "{}"), new EmulatorToolCall("stuck", "{}")));
        var agent = new KimiAgent(client, [quick, stuck], new KimiAgentOptions { MaxParallelToolCalls = 1 });

        var result = await agent.RunAsync([KimiMessage.User(User)], cts.Token);

        Assert.Equal(KimiAgentStopReason.Cancelled, result.StopReason);
        var toolMessages = result.Messages.Where(m => m.Role == MessageRole.Tool).ToList();
        Assert.Equal(["quick_0", "stuck_1"], toolMessages.Select(m => m.ToolCallId));
        Assert.Equal("quick result", toolMessages[0].Text);
        Assert.StartsWith("Error:", toolMessages[1].Text, StringComparison.Ordinal);
    }
}

internal static class EmulatorReplyExtensions
{
    public static EmulatorReply WithCall(this EmulatorReply reply, EmulatorToolCall call)
    {
        reply.ToolCalls.Add(call);
        return reply;
    }
}

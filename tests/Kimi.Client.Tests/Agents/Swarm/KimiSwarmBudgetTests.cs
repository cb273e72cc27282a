// The budget completes synchronously; passing the test token to every ledger call would only add noise.
#pragma warning disable xUnit1051

using Kimi.Client.Agents;

namespace Kimi.Client.Tests.Agents.Swarm;

/// <summary>The shared budget's arithmetic: fair shares, borrowing what nobody reserved, holds for calls in flight, settling.</summary>
public class KimiSwarmBudgetTests
{
    private static readonly KimiPricing Price = new(1m, 0.1m, 4m);

    [Fact]
    public async Task Shares_are_reserved_per_sub_agent_and_only_the_unreserved_rest_can_be_borrowed()
    {
        var budget = new KimiSwarmBudget(maxSteps: 11, maxTotalTokens: null, maxCostUsd: null, maxWallTime: null, pricing: null);
        Assert.True((await budget.BeginCallAsync("o", 100, 1000)).IsGranted); // the orchestrator's first call

        // 11 - 1 spent - 1 kept for the orchestrator = 9 free: 4 each for two sub-agents, 1 unreserved.
        Assert.Null(await budget.ReserveAsync("o", ["a", "b"], [null, null]));
        for (var i = 0; i < 5; i++)
        {
            Assert.True((await budget.BeginCallAsync("a", 100, 1000)).IsGranted, $"call {i + 1} of a");
        }

        Assert.Equal(KimiAgentStopReason.MaxSteps, (await budget.BeginCallAsync("a", 100, 1000)).StopReason); // its 4 and the 1 free
        for (var i = 0; i < 4; i++)
        {
            Assert.True((await budget.BeginCallAsync("b", 100, 1000)).IsGranted, "b keeps its share whatever a did");
        }

        Assert.Equal(KimiAgentStopReason.MaxSteps, (await budget.BeginCallAsync("b", 100, 1000)).StopReason);
        Assert.True((await budget.BeginCallAsync("o", 100, 1000)).IsGranted); // the step kept for the orchestrator
        var status = await budget.GetStatusAsync();
        Assert.Equal(11, status.Steps);
        Assert.Equal(0, status.RemainingSteps);
    }

    [Fact]
    public async Task Closing_an_account_gives_back_what_it_did_not_spend()
    {
        var budget = new KimiSwarmBudget(maxSteps: 8, maxTotalTokens: null, maxCostUsd: null, maxWallTime: null, pricing: null);
        Assert.Null(await budget.ReserveAsync("o", ["a", "b"], [null, null])); // 7 free: 3 each, 1 unreserved
        Assert.True((await budget.BeginCallAsync("a", 1, 1)).IsGranted);
        await budget.CloseAsync("a"); // 2 of its share come back
        for (var i = 0; i < 6; i++)
        {
            Assert.True((await budget.BeginCallAsync("b", 1, 1)).IsGranted, $"call {i + 1} of b");
        }

        Assert.Equal(KimiAgentStopReason.MaxSteps, (await budget.BeginCallAsync("b", 1, 1)).StopReason);
    }

    [Fact]
    public async Task A_sub_tasks_own_max_steps_caps_it_and_asking_for_more_than_is_left_is_refused_in_words()
    {
        var budget = new KimiSwarmBudget(maxSteps: 20, maxTotalTokens: null, maxCostUsd: null, maxWallTime: null, pricing: null);
        Assert.Equal("sub-task 2 asks for max_steps 25, but the swarm has only 19 steps left for sub-agents; ask for fewer.", await budget.ReserveAsync("o", ["a", "b"], [2, 25]));
        Assert.Equal("the sub-tasks ask for 22 steps in all (max_steps), but the swarm has only 19 left for sub-agents; ask for fewer or delegate fewer sub-tasks.",
            await budget.ReserveAsync("o", ["a", "b"], [11, 11]));
        Assert.Null(await budget.ReserveAsync("o", ["a"], [2]));
        Assert.True((await budget.BeginCallAsync("a", 1, 1)).IsGranted);
        Assert.True((await budget.BeginCallAsync("a", 1, 1)).IsGranted);
        Assert.Equal(KimiAgentStopReason.MaxSteps, (await budget.BeginCallAsync("a", 1, 1)).StopReason);
    }

    [Fact]
    public async Task Tokens_in_flight_are_held_so_concurrent_calls_never_spend_the_same_room_and_settle_with_real_usage()
    {
        var budget = new KimiSwarmBudget(maxSteps: null, maxTotalTokens: 10_000, maxCostUsd: null, maxWallTime: null, pricing: null);
        Assert.Null(await budget.ReserveAsync("o", ["a"], [null])); // 5,000 for a, 5,000 for the orchestrator

        // a may use its 5,000 and nothing else is free: the output cap is lowered to fit.
        var first = await budget.BeginCallAsync("a", 1_000, 8_000);
        Assert.Equal(4_000, first.MaxOutputTokens);
        Assert.Equal(KimiAgentStopReason.TokenBudget, (await budget.BeginCallAsync("x", 1, 10)).StopReason); // all of it is reserved or held

        await budget.EndCallAsync("a", new TokenUsage(1_000, 500));
        var second = await budget.BeginCallAsync("a", 1_000, 8_000);
        Assert.Equal(2_500, second.MaxOutputTokens); // 5,000 - 1,500 spent - 1,000 prompt
        await budget.EndCallAsync("a", null); // failed without usage: the hold is released, nothing charged
        var status = await budget.GetStatusAsync();
        Assert.Equal(1_500, status.Usage.TotalTokens);
        Assert.Equal(8_500, status.RemainingTokens);
    }

    [Fact]
    public async Task Cost_is_held_at_the_uncached_price_and_charged_at_the_real_one()
    {
        var budget = new KimiSwarmBudget(maxSteps: null, maxTotalTokens: null, maxCostUsd: 0.01m, maxWallTime: null, pricing: Price);

        // $0.01 at $1/M input and $4/M output: 1,000 prompt tokens cost $0.001, leaving room for 2,250 output tokens.
        var grant = await budget.BeginCallAsync("a", 1_000, 100_000);
        Assert.Equal(2_250, grant.MaxOutputTokens);
        await budget.EndCallAsync("a", new TokenUsage(1_000, 250, cachedInputTokens: 800));
        var status = await budget.GetStatusAsync();
        Assert.Equal(Price.Cost(new TokenUsage(1_000, 250, cachedInputTokens: 800)), status.CostUsd);
        Assert.Equal(0.01m - status.CostUsd, status.RemainingCostUsd);
    }

    [Fact]
    public void A_cost_limit_without_prices_and_non_positive_limits_are_refused_up_front()
    {
        Assert.Throws<ArgumentException>(() => new KimiSwarmBudget(null, null, 1m, null, pricing: null));
        Assert.Throws<ArgumentOutOfRangeException>(() => new KimiSwarmBudget(0, null, null, null, null));
        Assert.Throws<ArgumentOutOfRangeException>(() => new KimiSwarmBudget(null, null, null, TimeSpan.Zero, null));
    }

    [Fact]
    public async Task A_saved_ledger_loads_with_its_sums_shares_and_holds_and_carries_on_exactly()
    {
        var budget = new KimiSwarmBudget(maxSteps: 11, maxTotalTokens: 100_000, maxCostUsd: 1m, maxWallTime: TimeSpan.FromHours(1), pricing: Price);
        Assert.True((await budget.BeginCallAsync("o", 100, 1000)).IsGranted);
        await budget.EndCallAsync("o", new TokenUsage(100, 50, cachedInputTokens: 10, reasoningTokens: 5));
        Assert.Null(await budget.ReserveAsync("o", ["a", "b"], [null, 2]));
        Assert.True((await budget.BeginCallAsync("a", 200, 1000)).IsGranted); // in flight when saved

        var loaded = KimiSwarmBudget.Load(budget.Save(), Price);

        var (before, after) = (await budget.GetStatusAsync(), await loaded.GetStatusAsync());
        SwarmRunTests.AssertUsage(before.Usage, after.Usage);
        Assert.Equal(before with { Usage = after.Usage }, after);
        Assert.Equal(WithoutClock(budget.Save()), WithoutClock(loaded.Save())); // the wall clock runs on between the two saves
        await loaded.EndCallAsync("a", new TokenUsage(200, 100));
        for (var i = 0; i < 2; i++)
        {
            Assert.True((await loaded.BeginCallAsync("b", 1, 1)).IsGranted);
        }

        Assert.Equal(KimiAgentStopReason.MaxSteps, (await loaded.BeginCallAsync("b", 1, 1)).StopReason); // its max_steps survived
        Assert.Equal(4, (await loaded.GetStatusAsync()).Steps); // o, a, and b twice
        Assert.InRange(loaded.RemainingWallTime!.Value, TimeSpan.FromMinutes(59), TimeSpan.FromHours(1));
        Assert.Throws<FormatException>(() => KimiSwarmBudget.Load("{}"u8, null));
    }

    private static string WithoutClock(byte[] saved)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(saved)!.AsObject();
        Assert.True(node.Remove("elapsedMs"));
        return node.ToJsonString();
    }
}

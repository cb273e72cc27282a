using System.Text.Json;
using Kimi.Client.Agents;
using Kimi.Client.Testing;
using Microsoft.Extensions.AI;

namespace Kimi.Client.Tests.Agents;

/// <summary>
/// Money from the host (conformance 46) and reasoning that stays with it (45), through a whole tool loop on the OpenRouter
/// emulator: a reported <c>usage.cost</c> wins over the price table for its call and is summed exactly; a host without prices
/// that reports costs can run a cost budget; one with neither has no cost and refuses a cost budget at start; the tool turn goes
/// back with its <c>reasoning_details</c> verbatim, and the details survive a checkpoint.
/// </summary>
public class AgentReportedCostTests
{
    // The emulator charges as OpenRouter's Moonshot upstream: $0.55 in, $3.20 out per million.
    private static EmulatorReply WeatherCall(int prompt, int completion) =>
        new EmulatorReply { Reasoning = "Check the weather.", PromptTokens = prompt, CompletionTokens = completion, CachedTokens = 0, ReasoningTokens = 4 }
            .WithCall(new EmulatorToolCall("get_weather", """{"city":"Oslo"}"""));

    private static AIFunction Sunny() => AIFunctionFactory.Create((string city) => "Sun!", "get_weather", "Weather.");

    // 46
    [Fact(Timeout = 15_000)]
    public async Task Reported_costs_win_over_the_price_table_and_are_summed_exactly()
    {
        await using var emulator = AgentHarness.Emulator(KimiProvider.OpenRouter);
        var expensive = KimiProvider.OpenRouter with { Pricing = new KimiPricing(100m, 100m, 100m) }; // would make every call cost cents
        using var client = AgentHarness.InMemoryClient(emulator, o => o.Provider = expensive);
        emulator.Enqueue(WeatherCall(prompt: 1000, completion: 100));                                                           // $0.00087
        emulator.Enqueue(new EmulatorReply { Text = "Sunny.", PromptTokens = 1200, CompletionTokens = 50, CachedTokens = 0 }); // $0.00082
        var agent = new KimiAgent(client, [Sunny()], new KimiAgentOptions { MaxCostUsd = 1m });

        var result = await agent.RunAsync([KimiMessage.User("Weather?")], TestContext.Current.CancellationToken);

        Assert.Equal(KimiAgentStopReason.Completed, result.StopReason);
        Assert.Equal(0.00169m, result.CostUsd);
        Assert.Equal(0.00169m, result.Usage.Cost); // the usage sum carries the reported costs too
        Assert.NotEqual(expensive.Pricing!.Cost(result.Usage), result.CostUsd);
    }

    // 46
    [Fact(Timeout = 15_000)]
    public async Task A_host_that_reports_costs_runs_a_cost_budget_without_prices_and_stops_when_spent()
    {
        await using var emulator = AgentHarness.Emulator(KimiProvider.OpenRouter);
        using var client = AgentHarness.InMemoryClient(emulator, o => o.Provider = KimiProvider.OpenRouter with { Pricing = null });
        emulator.Responder = _ => WeatherCall(prompt: 1000, completion: 100);
        var agent = new KimiAgent(client, [Sunny()], new KimiAgentOptions { MaxCostUsd = 0.001m });

        var result = await agent.RunAsync([KimiMessage.User("Weather?")], TestContext.Current.CancellationToken);

        Assert.Equal(KimiAgentStopReason.CostBudget, result.StopReason);
        Assert.Equal(2, emulator.Requests.Count); // $0.00087 left room for one more call; $0.00174 did not
        Assert.Equal(0.00174m, result.CostUsd);
    }

    // 46
    [Fact(Timeout = 15_000)]
    public async Task A_host_without_prices_or_reported_costs_has_no_cost_and_refuses_a_cost_budget_at_start()
    {
        await using var emulator = AgentHarness.Emulator(KimiProvider.Vllm);
        using var client = AgentHarness.InMemoryClient(emulator);
        emulator.Enqueue(EmulatorReply.FromText("Sunny."));

        var priced = await new KimiAgent(client, [Sunny()]).RunAsync([KimiMessage.User("Weather?")], TestContext.Current.CancellationToken);
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(
            () => new KimiAgent(client, [Sunny()], new KimiAgentOptions { MaxCostUsd = 1m }).RunAsync([KimiMessage.User("Weather?")], TestContext.Current.CancellationToken));

        Assert.Null(priced.CostUsd);
        Assert.Null(priced.Usage.Cost);
        Assert.Contains("publishes none for Kimi K2.6 nor reports what a call cost", ex.Message);
        Assert.Single(emulator.Requests); // the refused run sent nothing
    }

    // 45: through the loop, the tool turn goes back to OpenRouter with its details verbatim (the emulator rejects it otherwise)
    [Fact(Timeout = 15_000)]
    public async Task The_tool_turn_goes_back_to_OpenRouter_with_reasoning_and_its_details_verbatim()
    {
        await using var emulator = AgentHarness.Emulator(KimiProvider.OpenRouter);
        using var client = await AgentHarness.KestrelClientAsync(emulator);
        emulator.Enqueue(WeatherCall(prompt: 100, completion: 10));
        emulator.Enqueue(EmulatorReply.FromText("Sunny in Oslo."));

        var result = await new KimiAgent(client, [Sunny()]).RunAsync([KimiMessage.User("Weather in Oslo?")], TestContext.Current.CancellationToken);

        Assert.Equal(KimiAgentStopReason.Completed, result.StopReason);
        var assistant = AgentHarness.Message(emulator.Requests[1], 1);
        Assert.Equal("Check the weather.", assistant.GetProperty("reasoning").GetString());
        Assert.Equal("""[{"type":"reasoning.text","text":"Check the weather.","format":"unknown","index":0}]""", assistant.GetProperty("reasoning_details").GetRawText());
        Assert.False(assistant.TryGetProperty("reasoning_content", out _));
        Assert.Equal("moonshotai/kimi-k2.6-20260420", result.Messages[1].ReasoningOrigin!.Model);
    }

    // 45: the emulator's wrapped 400 is what a client that loses the reasoning gets
    [Fact(Timeout = 15_000)]
    public async Task A_host_that_loses_the_reasoning_gets_the_wrapped_missing_reasoning_error()
    {
        await using var emulator = AgentHarness.Emulator(KimiProvider.OpenRouter);
        var forgetful = KimiProvider.OpenRouter with { ReasoningDetailsField = null, ReasoningWriteFields = [], RequiresReasoningOnToolCallTurns = false };
        using var client = AgentHarness.InMemoryClient(emulator, o => o.Provider = forgetful);
        emulator.Enqueue(WeatherCall(prompt: 100, completion: 10));

        var result = await new KimiAgent(client, [Sunny()]).RunAsync([KimiMessage.User("Weather in Oslo?")], TestContext.Current.CancellationToken);

        Assert.Equal(KimiAgentStopReason.Failed, result.StopReason);
        var ex = Assert.IsType<KimiMissingReasoningException>(result.Exception);
        Assert.Equal(1, ex.MessageIndex);
        Assert.Equal("Moonshot AI", ex.Error.UpstreamProvider);
    }

    [Fact]
    public void Reasoning_details_and_the_upstream_survive_a_checkpoint_record()
    {
        const string details = """[{"type":"reasoning.text","text":"R","format":"unknown","index":0},{"type":"reasoning.future","x":1}]""";
        var turn = new KimiMessage(MessageRole.Assistant)
        {
            Reasoning = "R",
            ReasoningOrigin = new ReasoningOrigin("openrouter", "moonshotai/kimi-k2.6-20260420") { Upstream = "Moonshot AI" },
            ReasoningDetails = JsonDocument.Parse(details).RootElement.Clone(),
        };
        turn.ToolCalls.Add(new ToolCall("get_weather:0", "get_weather", "{}"));
        var record = new CheckpointRecord
        {
            Kind = CheckpointRecordKind.ModelCall, Step = 1, ElapsedMilliseconds = 5, Messages = [turn],
            TotalUsage = new TokenUsage(1, 1), TotalCost = 0.00001305m,
        };

        var read = CheckpointCodec.Read(CheckpointCodec.Write(record));

        var message = Assert.Single(read.Messages);
        Assert.Equal(details, message.ReasoningDetails!.Value.GetRawText());
        Assert.Equal(turn.ReasoningOrigin, message.ReasoningOrigin);
        Assert.Equal(0.00001305m, read.TotalCost);
    }
}

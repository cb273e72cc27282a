using Kimi.Client.Agents;
using Kimi.Client.Testing;

namespace Kimi.Client.Tests.Agents;

/// <summary>A model call that fails ends the run with Failed and the history so far, never a lost run.</summary>
public class AgentFailureTests
{
    [Fact(Timeout = 15_000)]
    public async Task A_provider_error_mid_run_ends_it_with_Failed_and_the_history_so_far()
    {
        await using var emulator = AgentHarness.Emulator();
        using var client = AgentHarness.InMemoryClient(emulator, o => o.Resilience.MaxAttempts = 1); // a caller's HttpClient gets retries too: no second try here
        emulator.Enqueue(EmulatorReply.FromToolCalls("Check.", new EmulatorToolCall("get_weather", """{"city":"Paris"}""")));
        emulator.Enqueue(EmulatorReply.Error(500, """{"error":{"message":"internal error","type":"server_error"}}"""));
        var agent = new KimiAgent(client, [AgentHarness.Weather()]);

        var result = await agent.RunAsync(AgentHarness.Conversation(), TestContext.Current.CancellationToken);

        Assert.Equal(KimiAgentStopReason.Failed, result.StopReason);
        Assert.IsAssignableFrom<KimiApiException>(result.Exception);
        Assert.Equal(4, result.Messages.Count);
        Assert.NotNull(result.Usage);
    }

    [Fact(Timeout = 15_000)]
    public async Task A_stream_cut_mid_answer_ends_the_run_with_Failed()
    {
        await using var emulator = AgentHarness.Emulator(KimiProvider.Vllm);
        using var client = AgentHarness.InMemoryClient(emulator);
        emulator.Enqueue(new EmulatorReply { Text = "A long answer that is cut off", Fault = EmulatorStreamFault.Cut(2) });
        var agent = new KimiAgent(client, [AgentHarness.Weather()]);

        var result = await agent.RunAsync(AgentHarness.Conversation(), TestContext.Current.CancellationToken);

        Assert.Equal(KimiAgentStopReason.Failed, result.StopReason);
        Assert.IsType<KimiStreamIncompleteException>(result.Exception);
        Assert.Equal(2, result.Messages.Count);
    }

    [Fact(Timeout = 15_000)]
    public async Task An_unreachable_server_ends_the_run_with_Failed_instead_of_throwing()
    {
        using var client = new KimiClient(new KimiClientOptions
        {
            Provider = KimiProvider.Vllm,
            Endpoint = new Uri("http://127.0.0.1:9/v1"), // the discard port: nothing listens
        });
        var agent = new KimiAgent(client, [AgentHarness.Weather()]);

        var result = await agent.RunAsync(AgentHarness.Conversation(), TestContext.Current.CancellationToken);

        Assert.Equal(KimiAgentStopReason.Failed, result.StopReason);
        Assert.NotNull(result.Exception);
        Assert.Equal(1, result.Steps);
    }
}

using System.Reflection;
using Kimi.Client.Agents;

namespace Kimi.Client.Tests.Agents;

/// <summary>
/// Runs derived from a template (the swarm's orchestrator and sub-agents) get every setting of it: a hand-written copy once
/// dropped WebSearch and MaxWebSearchRounds.
/// </summary>
public class AgentOptionsCloneTests
{
    [Fact]
    public void A_clone_carries_every_setting_and_its_own_idempotent_set()
    {
        Func<IReadOnlyList<KimiMessage>, CancellationToken, ValueTask<IReadOnlyList<KimiMessage>>> reducer = (m, _) => ValueTask.FromResult(m);
        Func<ToolCall, CancellationToken, ValueTask<string?>> interrupted = (_, _) => ValueTask.FromResult<string?>("x");
        var template = new KimiAgentOptions
        {
            MaxSteps = 7,
            MaxTotalTokens = 1_000,
            MaxCostUsd = 2.5m,
            MaxWallTime = TimeSpan.FromMinutes(3),
            Pricing = new KimiPricing(1m, 0.5m, 2m),
            MaxParallelToolCalls = 3,
            StopOnToolError = true,
            CallOptions = new ChatCompletionOptions { MaxOutputTokens = 99 },
            UseStreaming = false,
            HistoryReducer = reducer,
            Compaction = new KimiCompactionOptions { Summarize = true },
            ContextWindow = 4_096,
            CheckpointStore = new InMemoryKimiAgentCheckpointStore(),
            InterruptedToolCallHandler = interrupted,
            WebSearch = true,
            MaxWebSearchRounds = 2,
            TimeProvider = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(),
            IdempotentTools = { "read" },
        };

        var copy = template.Clone();

        var settable = typeof(KimiAgentOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod?.IsPublic == true).ToArray();
        Assert.Equal(17, settable.Length); // a new setting: add it to Clone() and to this test
        foreach (var property in settable)
        {
            Assert.Equal(property.GetValue(template), property.GetValue(copy));
        }

        Assert.Equal(["read"], copy.IdempotentTools);
        copy.IdempotentTools.Add("write");
        Assert.DoesNotContain("write", template.IdempotentTools);
    }
}

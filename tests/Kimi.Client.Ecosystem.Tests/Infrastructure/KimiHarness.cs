using System.Text.Json;
using Kimi.Client.Testing;

namespace Kimi.Client.Ecosystem.Tests.Infrastructure;

/// <summary>The emulator on loopback Kestrel in one provider's dialect, and a <see cref="KimiClient"/> on it (thinking on, the default).</summary>
internal sealed class KimiHarness : IAsyncDisposable
{
    private KimiHarness(KimiEmulator emulator, KimiClient client, Dialect dialect)
    {
        Emulator = emulator;
        Client = client;
        Dialect = dialect;
    }

    public KimiEmulator Emulator { get; }

    public KimiClient Client { get; }

    public Dialect Dialect { get; }

    public static async Task<KimiHarness> StartAsync(Dialect dialect, Action<KimiClientOptions>? configure = null)
    {
        var provider = dialect switch
        {
            Dialect.Moonshot => KimiProvider.Moonshot,
            Dialect.Vllm => KimiProvider.Vllm,
            Dialect.DeepInfra => KimiProvider.DeepInfra,
            Dialect.OpenRouter => KimiProvider.OpenRouter,
            _ => throw new ArgumentOutOfRangeException(nameof(dialect)),
        };
        var emulator = new KimiEmulator(new KimiEmulatorOptions { Provider = provider });
        var options = new KimiClientOptions
        {
            Provider = provider,
            ApiKey = "sk-test",
            Endpoint = await emulator.StartAsync(TestContext.Current.CancellationToken),
        };
        configure?.Invoke(options);
        return new KimiHarness(emulator, new KimiClient(options), dialect);
    }

    /// <summary>The <c>messages</c> of request <paramref name="index"/>.</summary>
    public JsonElement[] Messages(int index) => [.. Emulator.Requests[index].Json.GetProperty("messages").EnumerateArray()];

    /// <summary>
    /// Request <paramref name="index"/> asked for thinking in the dialect's own switch, and every assistant tool-call turn in it
    /// carries, in every field the dialect reads, exactly the reasoning the emulator sent for it.
    /// </summary>
    public void AssertThinkingAndReasoning(int index, params string[] toolTurnReasoning)
    {
        var body = Emulator.Requests[index].Json;
        switch (Dialect)
        {
            case Dialect.Moonshot:
                Assert.Equal("enabled", body.GetProperty("thinking").GetProperty("type").GetString());
                break;
            case Dialect.Vllm:
                Assert.True(body.GetProperty("chat_template_kwargs").GetProperty("thinking").GetBoolean());
                break;
            case Dialect.OpenRouter:
                Assert.False(body.TryGetProperty("reasoning", out _)); // thinking left on (K2.6's default): no switch is sent
                break;
        }

        var turns = Messages(index).Where(m => m.GetProperty("role").GetString() == "assistant" && m.TryGetProperty("tool_calls", out _)).ToArray();
        Assert.Equal(toolTurnReasoning.Length, turns.Length);
        for (var i = 0; i < turns.Length; i++)
        {
            foreach (var field in ReasoningFields)
            {
                Assert.Equal(toolTurnReasoning[i], turns[i].GetProperty(field).GetString());
            }

            if (Dialect == Dialect.OpenRouter)
            {
                // OpenRouter's structured reasoning goes back verbatim beside the text (conformance 34).
                var details = turns[i].GetProperty("reasoning_details").EnumerateArray().ToArray();
                Assert.Equal(toolTurnReasoning[i], string.Concat(details.Select(d => d.GetProperty("text").GetString())));
            }
        }
    }

    /// <summary>The fields the dialect's server reads reasoning from (vLLM: both names, conformance 5).</summary>
    public string[] ReasoningFields => Dialect switch
    {
        Dialect.Vllm => ["reasoning", "reasoning_content"],
        Dialect.OpenRouter => ["reasoning"],
        _ => ["reasoning_content"],
    };

    /// <summary>The tool messages of request <paramref name="index"/>, in order.</summary>
    public JsonElement[] ToolMessages(int index) => [.. Messages(index).Where(m => m.GetProperty("role").GetString() == "tool")];

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Emulator.DisposeAsync();
    }
}

using System.ComponentModel;
using System.Text.Json;
using Kimi.Client.Testing;
using Kimi.Client.Tests.Infrastructure;
using Microsoft.Extensions.AI;

namespace Kimi.Client.Tests.Agents;

/// <summary>Emulator-backed clients, real <see cref="AIFunction"/> tools and wire readers shared by the agent tests.</summary>
internal static class AgentHarness
{
    public const string System = "You are a weather assistant.";
    public const string Question = "Weather in Paris?";

    public static KimiEmulator Emulator(KimiProvider? provider = null, int? contextWindow = null)
    {
        var options = new KimiEmulatorOptions { Provider = provider ?? KimiProvider.Moonshot };
        if (contextWindow is { } window)
        {
            options.ContextWindow = window;
        }

        return new KimiEmulator(options);
    }

    /// <summary>A client that reaches the emulator in memory (no sockets).</summary>
    public static KimiClient InMemoryClient(KimiEmulator emulator, Action<KimiClientOptions>? configure = null) =>
        new(new HttpClient(emulator.CreateHandler()), Options(emulator, configure));

    /// <summary>A client that reaches the emulator over HTTP on loopback Kestrel.</summary>
    public static async Task<KimiClient> KestrelClientAsync(KimiEmulator emulator, Action<KimiClientOptions>? configure = null)
    {
        await emulator.StartAsync(TestContext.Current.CancellationToken);
        return new KimiClient(Options(emulator, configure));
    }

    private static KimiClientOptions Options(KimiEmulator emulator, Action<KimiClientOptions>? configure)
    {
        var options = new KimiClientOptions
        {
            Provider = emulator.Options.Provider,
            Endpoint = emulator.BaseAddress,
            ApiKey = TestClients.ApiKey,
        };
        configure?.Invoke(options);
        return options;
    }

    public static KimiMessage[] Conversation() => [KimiMessage.System(System), KimiMessage.User(Question)];

    public static AIFunction Weather(Action<string>? onCall = null) => AIFunctionFactory.Create(
        ([Description("The city, in English.")] string city) =>
        {
            onCall?.Invoke(city);
            return $"Sunny in {city}";
        },
        "get_weather",
        "Gets the current weather in a city.");

    public static AIFunction Time(Action<string>? onCall = null) => AIFunctionFactory.Create(
        ([Description("An IANA time zone or UTC.")] string zone) =>
        {
            onCall?.Invoke(zone);
            return $"12:00 {zone}";
        },
        "get_time",
        "Gets the current time in a time zone.");

    /// <summary>The <c>messages</c> array of a request the emulator received.</summary>
    public static JsonElement Messages(EmulatorRequest request) => request.Json.GetProperty("messages");

    public static JsonElement Message(EmulatorRequest request, int index) => Messages(request)[index];

    /// <summary>The reasoning field names each dialect writes back (conformance 5).</summary>
    public static string[] ReasoningFields(KimiProvider provider) =>
        provider == KimiProvider.Vllm ? ["reasoning", "reasoning_content"] : ["reasoning_content"];

    public static string? StringOrNull(JsonElement message, string name) =>
        message.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public static readonly KimiProvider[] AllDialects =
    [
        KimiProvider.Moonshot,
        KimiProvider.DeepInfra,
        KimiProvider.Nvidia,
        KimiProvider.Vllm,
        KimiProvider.SGLang,
    ];

    /// <summary>Every dialect, each with and without streaming.</summary>
    public static TheoryData<KimiProvider, bool> DialectsAndTransports()
    {
        var data = new TheoryData<KimiProvider, bool>();
        foreach (var provider in AllDialects)
        {
            data.Add(provider, true);
            data.Add(provider, false);
        }

        return data;
    }
}

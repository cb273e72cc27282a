using System.Text.Json;
using Kimi.Client.AI;
using Kimi.Client.Testing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Logging;

namespace Kimi.Client.Tests.AI;

/// <summary>An emulator (in memory or on loopback Kestrel), a <see cref="KimiClient"/> on it, and its <see cref="IChatClient"/>.</summary>
internal sealed class ChatClientHarness : IAsyncDisposable
{
    private ChatClientHarness(KimiEmulator emulator, KimiClient client, FakeLoggerProvider logs, ILoggerFactory loggerFactory)
    {
        Emulator = emulator;
        Client = client;
        Logs = logs;
        LoggerFactory = loggerFactory;
        ChatClient = client.AsIChatClient();
    }

    public KimiEmulator Emulator { get; }

    public KimiClient Client { get; }

    public IChatClient ChatClient { get; }

    public FakeLoggerProvider Logs { get; }

    public ILoggerFactory LoggerFactory { get; }

    /// <summary>The pipeline the issue asks for: function invocation, OpenTelemetry and logging over our client.</summary>
    public IChatClient Pipeline() => new ChatClientBuilder(ChatClient)
        .UseFunctionInvocation()
        .UseOpenTelemetry(sourceName: "Kimi.Client.Tests")
        .UseLogging(LoggerFactory)
        .Build();

    public static async Task<ChatClientHarness> StartAsync(KimiProvider? provider = null, bool loopback = false, Action<KimiClientOptions>? configure = null)
    {
        provider ??= KimiProvider.Moonshot;
        var emulator = new KimiEmulator(new KimiEmulatorOptions { Provider = provider });
        var options = new KimiClientOptions { Provider = provider, ApiKey = "sk-test" };
        configure?.Invoke(options);
        var logs = new FakeLoggerProvider();
        var loggerFactory = Microsoft.Extensions.Logging.LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        KimiClient client;
        if (loopback)
        {
            options.Endpoint = await emulator.StartAsync(TestContext.Current.CancellationToken);
            client = new KimiClient(options, loggerFactory);
        }
        else
        {
            options.Endpoint = emulator.BaseAddress;
            client = new KimiClient(new HttpClient(emulator.CreateHandler()), options, loggerFactory);
        }

        return new ChatClientHarness(emulator, client, logs, loggerFactory);
    }

    /// <summary>The <c>messages</c> array of request <paramref name="index"/>.</summary>
    public JsonElement Messages(int index) => Emulator.Requests[index].Json.GetProperty("messages");

    /// <summary>The single request's JSON, after sending <paramref name="messages"/> once.</summary>
    public async Task<JsonElement> SendAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null)
    {
        await ChatClient.GetResponseAsync(messages, options, TestContext.Current.CancellationToken);
        return Emulator.Requests[^1].Json;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        LoggerFactory.Dispose();
        Logs.Dispose();
        await Emulator.DisposeAsync();
    }
}

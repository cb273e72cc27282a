// WebChat: an ASP.NET Core page that streams Kimi K2.6's reasoning (shown apart) and then its answer, over SSE.
//   dotnet run --project samples/WebChat        then open the URL it prints
// With no API key it answers offline from the built-in emulator, served on loopback Kestrel with a 20 ms delay per
// chunk so the streaming is visible. Set KIMI_PROVIDER (Moonshot, DeepInfra, Nvidia) and that provider's key for real.
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using Kimi.Client;
using Kimi.Client.Testing;

var app = await Program.CreateAppAsync(args);
await app.RunAsync();

/// <summary>The app, built by <see cref="CreateAppAsync"/> so a test can start it on a real loopback port.</summary>
public partial class Program
{
    /// <summary>Builds the web app: the page at <c>/</c> and the SSE stream at <c>/chat?question=…</c>.</summary>
    /// <param name="args">Command-line arguments (for example <c>--urls http://127.0.0.1:0</c>).</param>
    /// <returns>The app, not yet started; its emulator (if any) is disposed with it.</returns>
    public static async Task<WebApplication> CreateAppAsync(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        var provider = KimiProvider.FromName(builder.Configuration["KIMI_PROVIDER"] ?? "Moonshot");
        var options = new KimiClientOptions { Provider = provider };
        KimiEmulator? emulator = null;
        if (!IsLive(provider))
        {
            Console.Error.WriteLine($"No API key set: answering offline from the built-in Kimi emulator ({provider} dialect, 20 ms per chunk).");
            emulator = new KimiEmulator(new KimiEmulatorOptions { Provider = provider, ChunkDelay = TimeSpan.FromMilliseconds(20) })
            {
                Responder = request => EmulatorReply.FromText(
                    $"You asked: \"{request.LastUserText}\". This answer comes from the Kimi emulator, one word at a time, so you can watch it " +
                    "arrive: first the reasoning in its own box, then the answer here. With an API key the same page streams the real model.",
                    $"The user asked \"{request.LastUserText}\". I should explain that this is an offline demo and keep the answer short and friendly."),
            };
            options.Endpoint = await emulator.StartAsync();
            options.ApiKey = "emulator-key";
        }

        builder.Services.AddSingleton(new KimiClient(options));
        var app = builder.Build();
        if (emulator is not null)
        {
            app.Lifetime.ApplicationStopped.Register(() => emulator.DisposeAsync().AsTask().GetAwaiter().GetResult());
        }

        app.MapGet("/", () => Results.Content(ChatPage.Html, "text/html; charset=utf-8"));
        app.MapGet("/chat", (string question, KimiClient kimi, CancellationToken cancellationToken) =>
            TypedResults.ServerSentEvents(StreamAsync(kimi, question, cancellationToken)));
        return app;
    }

    /// <summary>Reasoning deltas as <c>reasoning</c> events, answer deltas as <c>content</c>, then <c>done</c> (or <c>failure</c>).</summary>
    private static async IAsyncEnumerable<SseItem<string>> StreamAsync(KimiClient kimi, string question, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var stream = kimi.StreamAsync(question, cancellationToken: cancellationToken);
        await using var updates = stream.GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            string? failure = null;
            try
            {
                if (!await updates.MoveNextAsync())
                {
                    break;
                }
            }
            catch (KimiException ex)
            {
                failure = ex.Message;
            }

            if (failure is not null)
            {
                yield return new SseItem<string>(failure, "failure");
                yield break;
            }

            if (updates.Current.ReasoningDelta is { Length: > 0 } reasoning)
            {
                yield return new SseItem<string>(reasoning, "reasoning");
            }

            if (updates.Current.ContentDelta is { Length: > 0 } content)
            {
                yield return new SseItem<string>(content, "content");
            }
        }

        yield return new SseItem<string>(stream.Completion?.Usage?.ToString() ?? string.Empty, "done");
    }

    // Live when the host's key is in its environment variable (the profile names it).
    private static bool IsLive(KimiProvider provider) =>
        provider.ApiKeyVariable is { } variable && !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(variable));
}

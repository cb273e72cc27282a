// Streaming: print Kimi K2.6's answer as it is generated, with the time to the first token, then usage and cost.
//   dotnet run --project samples/Streaming -- "Write a haiku about TCP."
// With no API key it runs offline against the built-in emulator, served over HTTP with a small delay per chunk so the
// streaming is visible. Set KIMI_PROVIDER (Moonshot, DeepInfra, Nvidia) and that provider's key variable for real.
using System.Diagnostics;
using Kimi.Client;
using Kimi.Client.Testing;

var question = args.Length > 0 ? string.Join(' ', args) : "Write a haiku about TCP, then explain it in two sentences.";
var provider = KimiProvider.FromName(Environment.GetEnvironmentVariable("KIMI_PROVIDER") ?? "Moonshot");
var options = new KimiClientOptions { Provider = provider };

await using var emulator = IsLive(provider) ? null : new KimiEmulator(new() { Provider = provider, ChunkDelay = TimeSpan.FromMilliseconds(30) });
if (emulator is not null)
{
    Console.Error.WriteLine($"No API key set: streaming offline from the built-in Kimi emulator ({provider} dialect, 30 ms per chunk).");
    options.Endpoint = await emulator.StartAsync();
    options.ApiKey = "emulator-key";
}

using var client = new KimiClient(options);
var clock = Stopwatch.StartNew();
TimeSpan? firstToken = null;
var answering = false;
var stream = client.StreamAsync(question);
try
{
    await foreach (var update in stream)
    {
        if (update.ReasoningDelta is { Length: > 0 } thought)
        {
            firstToken ??= clock.Elapsed;
            Console.ForegroundColor = ConsoleColor.DarkGray;
            Console.Write(thought);
            Console.ResetColor();
        }

        if (update.ContentDelta is { Length: > 0 } text)
        {
            if (!answering)
            {
                Console.WriteLine(firstToken is null ? string.Empty : "\n");
                answering = true;
            }

            firstToken ??= clock.Elapsed;
            Console.Write(text);
        }
    }
}
catch (KimiException ex)
{
    // A stream cut part-way still tells you what arrived.
    Console.Error.WriteLine($"\nStream failed: {ex.Message} ({ex.PartialCompletion?.Text.Length ?? 0} characters arrived)");
    return 1;
}

var completion = stream.Completion!;
var cost = provider.Pricing is { } price && completion.Usage is { } usage ? $", ${price.Cost(usage):0.000000}" : string.Empty;
Console.WriteLine();
Console.Error.WriteLine($"first token after {firstToken?.TotalMilliseconds:0} ms, done after {clock.ElapsedMilliseconds} ms; {completion.FinishReason}; {completion.Usage}{cost}");
return 0;

// Live when the host's key is in its environment variable (the profile names it), or an endpoint was given.
static bool IsLive(KimiProvider provider) =>
    Environment.GetEnvironmentVariable("KIMI_ENDPOINT") is { Length: > 0 } ||
    provider.ApiKeyVariable is { } variable && !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(variable));

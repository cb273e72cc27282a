// Quickstart: stream Kimi K2.6's reasoning, then its answer.
//   dotnet run --project samples/Quickstart -- "Why is the sky blue?"
// With no API key in the environment it runs offline against the built-in emulator; set KIMI_PROVIDER
// (Moonshot, MoonshotChina, DeepInfra, Nvidia, Vllm, SGLang, Ollama, OllamaCloud, CloudflareWorkersAI, OpenRouter …) and that
// host's key variable (or KIMI_ENDPOINT for a self-hosted server or a local Ollama daemon) to call the real service.
using Kimi.Client;
using Kimi.Client.Testing;

var question = args.Length > 0 ? string.Join(' ', args) : "In one paragraph: why is the sky blue?";

var provider = KimiProvider.FromName(Environment.GetEnvironmentVariable("KIMI_PROVIDER") ?? "Moonshot");
var options = new KimiClientOptions { Provider = provider };
if (Environment.GetEnvironmentVariable("KIMI_ENDPOINT") is { Length: > 0 } endpoint)
{
    options.Endpoint = new Uri(endpoint); // a self-hosted server, or a gateway in front of the host
}

await using var emulator = UseEmulator(options) ? new KimiEmulator(new KimiEmulatorOptions { Provider = provider }) : null;
using var client = emulator is null ? new KimiClient(options) : CreateEmulatedClient(emulator, options);

try
{
    var stream = client.StreamAsync(question);
    var answering = false;
    await foreach (var update in stream)
    {
        if (!string.IsNullOrEmpty(update.ReasoningDelta))
        {
            Console.ForegroundColor = ConsoleColor.DarkGray;
            Console.Write(update.ReasoningDelta);
            Console.ResetColor();
        }

        if (!string.IsNullOrEmpty(update.ContentDelta))
        {
            if (!answering)
            {
                Console.WriteLine();
                Console.WriteLine("--- answer ---");
                answering = true;
            }

            Console.Write(update.ContentDelta);
        }
    }

    Console.WriteLine();
    var completion = stream.Completion!;
    Console.Error.WriteLine($"[{completion.FinishReason}] {completion.Usage}{(completion.RequestId is null ? "" : $", request {completion.RequestId}")}");
    return 0;
}
catch (KimiException ex)
{
    Console.Error.WriteLine($"Kimi call failed: {ex.Message}");
    return 1;
}

static bool UseEmulator(KimiClientOptions options)
{
    if (IsLive(options.Provider))
    {
        return false;
    }

    Console.Error.WriteLine($"No {options.Provider.ApiKeyVariable ?? "KIMI_ENDPOINT"} set: answering offline from the built-in Kimi emulator ({options.Provider} dialect).");
    return true;
}

// Live when the host's key is in its environment variable (the profile names it), or an endpoint was given.
static bool IsLive(KimiProvider provider) =>
    Environment.GetEnvironmentVariable("KIMI_ENDPOINT") is { Length: > 0 } ||
    provider.ApiKeyVariable is { } variable && !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(variable));

static KimiClient CreateEmulatedClient(KimiEmulator emulator, KimiClientOptions options)
{
    options.Endpoint = emulator.BaseAddress;
    options.ApiKey = "emulator-key";
    return new KimiClient(new HttpClient(emulator.CreateHandler()), options);
}

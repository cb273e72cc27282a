// Quickstart: stream Kimi K2.6's reasoning, then its answer.
//   dotnet run --project samples/Quickstart -- "Why is the sky blue?"
// With no API key in the environment it runs offline against the built-in emulator; set KIMI_PROVIDER
// (Moonshot, DeepInfra, Nvidia) and that provider's key variable to call the real service.
using Kimi.Client;
using Kimi.Client.Testing;

var question = args.Length > 0 ? string.Join(' ', args) : "In one paragraph: why is the sky blue?";

if (!Enum.TryParse<KimiProvider>(Environment.GetEnvironmentVariable("KIMI_PROVIDER") ?? "Moonshot", ignoreCase: true, out var provider))
{
    Console.Error.WriteLine("KIMI_PROVIDER must be Moonshot, DeepInfra, Nvidia or SelfHosted.");
    return 2;
}

var options = new KimiClientOptions { Provider = provider };
if (provider == KimiProvider.SelfHosted && Environment.GetEnvironmentVariable("KIMI_ENDPOINT") is { } endpoint)
{
    options.Endpoint = new Uri(endpoint);
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
    var keyVariable = options.Provider switch
    {
        KimiProvider.Moonshot => "MOONSHOT_API_KEY",
        KimiProvider.DeepInfra => "DEEPINFRA_API_KEY",
        KimiProvider.Nvidia => "NVIDIA_API_KEY",
        _ => "KIMI_ENDPOINT",
    };
    if (!string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(keyVariable)))
    {
        return false;
    }

    Console.Error.WriteLine($"No {keyVariable} set: answering offline from the built-in Kimi emulator ({options.Provider} dialect).");
    return true;
}

static KimiClient CreateEmulatedClient(KimiEmulator emulator, KimiClientOptions options)
{
    options.Endpoint = emulator.BaseAddress;
    options.ApiKey = "emulator-key";
    return new KimiClient(new HttpClient(emulator.CreateHandler()), options);
}

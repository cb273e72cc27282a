// Thinking: the same question with thinking on, off, and preserved across turns.
//   dotnet run --project samples/Thinking
// On: the model reasons first and the reasoning comes back apart from the answer. Off ("instant"): no reasoning,
// faster and cheaper. Preserved: earlier turns' reasoning is sent back so the model builds on it (Moonshot).
// With no API key it runs offline against the built-in emulator; set KIMI_PROVIDER and the provider's key for real.
using Kimi.Client;
using Kimi.Client.Testing;

var provider = KimiProvider.FromName(Environment.GetEnvironmentVariable("KIMI_PROVIDER") ?? "Moonshot");
var options = new KimiClientOptions { Provider = provider, AllowUnconfirmedPreserveThinking = true };
await using var emulator = IsLive(provider) ? null : new KimiEmulator(new() { Provider = provider });
if (emulator is not null)
{
    Console.Error.WriteLine($"No API key set: answering offline from the built-in Kimi emulator ({provider} dialect).");
    options.Endpoint = emulator.BaseAddress;
    options.ApiKey = "emulator-key";
}

using var client = emulator is null ? new KimiClient(options) : new KimiClient(new HttpClient(emulator.CreateHandler()), options);
const string Question = "Is 2^31 - 1 prime? One sentence.";

// 1. Thinking on (the default): reasoning arrives separately from the answer.
var on = await client.CompleteAsync(Question, new ChatCompletionOptions { Thinking = ThinkingMode.Enabled });
Show("on", on);

// 2. Thinking off: no reasoning at all.
var off = await client.CompleteAsync(Question, new ChatCompletionOptions { Thinking = ThinkingMode.Disabled });
Show("off", off);

// 3. Preserved: a follow-up turn sends the first answer's reasoning back with it.
List<KimiMessage> conversation = [KimiMessage.User(Question)];
try
{
    var first = await client.CompleteAsync(conversation, new ChatCompletionOptions { Thinking = ThinkingMode.Preserved });
    conversation.Add(first.ToMessage()); // keeps Reasoning and its origin for the echo
    conversation.Add(KimiMessage.User("And 2^61 - 1?"));
    var second = await client.CompleteAsync(conversation, new ChatCompletionOptions { Thinking = ThinkingMode.Preserved });
    Show("preserved, turn 1", first);
    Show("preserved, turn 2", second);
}
catch (NotSupportedException ex)
{
    Console.Error.WriteLine($"Skipping preserved thinking: {ex.Message}"); // hosts whose switch has no preserve form (DeepInfra, Ollama)
}

return 0;

static void Show(string label, ChatCompletion completion)
{
    Console.WriteLine($"--- thinking {label} ---");
    Console.ForegroundColor = ConsoleColor.DarkGray;
    Console.WriteLine(completion.Reasoning is { Length: > 0 } reasoning ? $"[reasoning] {reasoning}" : "[no reasoning]");
    Console.ResetColor();
    Console.WriteLine(completion.Text);
    Console.Error.WriteLine($"    {completion.Usage}");
}

// Live when the host's key is in its environment variable (the profile names it), or an endpoint was given.
static bool IsLive(KimiProvider provider) =>
    Environment.GetEnvironmentVariable("KIMI_ENDPOINT") is { Length: > 0 } ||
    provider.ApiKeyVariable is { } variable && !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(variable));

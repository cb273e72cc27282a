// Failover: Moonshot is overloaded, so the call moves on to DeepInfra — before any output reached you.
//   dotnet run --project samples/Failover
// Runs offline: two emulators on loopback Kestrel play the two providers; the first answers 503 on every try.
using Kimi.Client;
using Kimi.Client.Testing;

const string Key = "sample-key";
await using var moonshot = new KimiEmulator(new KimiEmulatorOptions { Provider = KimiProvider.Moonshot, ApiKey = Key });
await using var deepInfra = new KimiEmulator(new KimiEmulatorOptions { Provider = KimiProvider.DeepInfra, ApiKey = Key });
moonshot.Responder = _ => EmulatorReply.Error(503, """{"error":{"message":"The engine is currently overloaded, please try again later","type":"engine_overloaded_error"}}""");

var options = new KimiClientOptions
{
    Provider = KimiProvider.Moonshot,
    ApiKey = Key,
    Endpoint = await moonshot.StartAsync(),
    Resilience = { MaxAttempts = 3, BaseDelay = TimeSpan.FromMilliseconds(200) },
};
options.Failover.Add(new KimiFailoverTarget { Provider = KimiProvider.DeepInfra, ApiKey = Key, Endpoint = await deepInfra.StartAsync() });
using var client = new KimiClient(options);

var completion = await client.CompleteAsync("In one sentence: what is failover?");

Console.WriteLine("Attempts:");
foreach (var attempt in completion.Attempts)
{
    Console.WriteLine($"  {attempt}");
}

Console.WriteLine($"Answer ({completion.Attempts[^1].Provider}): {completion.Text}");
return completion.Attempts[^1].Provider == KimiProvider.DeepInfra ? 0 : 1;

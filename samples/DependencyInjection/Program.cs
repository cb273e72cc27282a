// DependencyInjection: a generic host with two keyed Kimi clients bound from appsettings.json, an IChatClient with
// middleware, and a service that takes the clients with [FromKeyedServices].
//   dotnet run --project samples/DependencyInjection
// Keys come from user secrets or the environment (Kimi__Primary__ApiKey, or MOONSHOT_API_KEY / DEEPINFRA_API_KEY); any
// setting can be overridden the same way, e.g. Kimi__Backup__Provider=Nvidia. Without keys it runs offline: two
// emulators are started on loopback and the endpoints point at them.
using Kimi.Client;
using Kimi.Client.Testing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

// appsettings.json sits beside the binary: `dotnet run` may start from any directory.
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
await using var emulators = new EmulatorPair();
var primary = KimiProvider.FromName(builder.Configuration["Kimi:Primary:Provider"] ?? "Moonshot");
if (builder.Configuration["Kimi:Primary:ApiKey"] is null && (primary.ApiKeyVariable is not { } variable || string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(variable))))
{
    Console.Error.WriteLine("No API keys set: both keyed clients answer offline from built-in Kimi emulators on loopback.");
    builder.Configuration.AddInMemoryCollection(await emulators.StartAsync(builder.Configuration));
}

builder.Services.AddKimiClient("primary", builder.Configuration.GetSection("Kimi:Primary"));
builder.Services.AddKimiClient("backup", builder.Configuration.GetSection("Kimi:Backup"));
builder.Services.AddKeyedKimiChatClient("primary").UseLogging();
builder.Services.AddSingleton<Assistant>();

using var host = builder.Build();
await host.StartAsync(); // validates both clients' settings now (ValidateOnStart), naming any bad one
await host.Services.GetRequiredService<Assistant>().RunAsync("What is dependency injection, in one sentence?");
await host.StopAsync();
return 0;

/// <summary>An app service: the primary client as an IChatClient, the backup as a KimiClient.</summary>
internal sealed class Assistant([FromKeyedServices("primary")] IChatClient primary, [FromKeyedServices("backup")] KimiClient backup)
{
    public async Task RunAsync(string question)
    {
        var answer = await primary.GetResponseAsync(question);
        Console.WriteLine($"primary ({primary.GetService<ChatClientMetadata>()?.ProviderName}): {answer.Text}");

        var fallback = await backup.CompleteAsync(question);
        Console.WriteLine($"backup ({backup.Provider}, thinking off): {fallback.Text}");
    }
}

/// <summary>Two emulators, one per configured provider, and the settings that point the clients at them.</summary>
internal sealed class EmulatorPair : IAsyncDisposable
{
    private readonly List<KimiEmulator> _emulators = [];

    public async Task<Dictionary<string, string?>> StartAsync(IConfiguration configuration)
    {
        var settings = new Dictionary<string, string?>();
        foreach (var key in new[] { "Primary", "Backup" })
        {
            var provider = KimiProvider.FromName(configuration[$"Kimi:{key}:Provider"] ?? "Moonshot");
            var emulator = new KimiEmulator(new KimiEmulatorOptions { Provider = provider });
            _emulators.Add(emulator);
            settings[$"Kimi:{key}:Endpoint"] = (await emulator.StartAsync()).ToString();
            settings[$"Kimi:{key}:ApiKey"] = "emulator-key";
        }

        return settings;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var emulator in _emulators)
        {
            await emulator.DisposeAsync();
        }
    }
}

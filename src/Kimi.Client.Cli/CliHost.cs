using Kimi.Client.Testing;

namespace Kimi.Client.Cli;

/// <summary>
/// The host a command talks to: the real one when its key is set (the profile names the variable) or an endpoint is given,
/// otherwise the built-in emulator in the host's dialect, said on stderr, as the Quickstart sample does.
/// </summary>
internal sealed class CliHost : IAsyncDisposable
{
    public const string EmulatorKey = "emulator-key";
    public const string DeviationsVariable = "KIMI_EMULATOR_DEVIATIONS";

    private readonly KimiEmulator? _emulator;

    private CliHost(KimiClientOptions options, KimiEmulator? emulator)
    {
        Options = options;
        _emulator = emulator;
    }

    /// <summary>The client settings: provider, endpoint, model and key (the emulator's when offline).</summary>
    public KimiClientOptions Options { get; }

    public bool IsEmulated => _emulator is not null;

    /// <summary>The emulator's in-memory transport when offline, else <see langword="null"/> (the network).</summary>
    public HttpMessageHandler? Handler => _emulator?.CreateHandler();

    /// <exception cref="ArgumentException">An unknown provider name, or a bad deviation name.</exception>
    public static CliHost Resolve(CliConsole console, string? providerName, string? endpoint, string? model)
    {
        providerName ??= console.Environment("KIMI_PROVIDER") ?? "Moonshot";
        endpoint ??= console.Environment("KIMI_ENDPOINT");
        var provider = KimiProvider.FromName(providerName);
        var options = new KimiClientOptions { Provider = provider, Model = model };
        if (!string.IsNullOrWhiteSpace(endpoint))
        {
            options.Endpoint = Uri.TryCreate(endpoint, UriKind.Absolute, out var uri)
                ? uri
                : throw new ArgumentException($"--endpoint '{endpoint}' is not an absolute URL; give the host's base URL, such as http://127.0.0.1:8000/v1.");
        }

        var keyed = provider.ApiKeyVariable is { } variable && !string.IsNullOrWhiteSpace(console.Environment(variable));
        if (keyed || options.Endpoint is not null)
        {
            if (keyed)
            {
                options.ApiKey = console.Environment(provider.ApiKeyVariable!)!.Trim();
            }

            return new CliHost(options, null);
        }

        var emulator = new KimiEmulator(new KimiEmulatorOptions { Provider = provider, ApiKey = EmulatorKey });
        foreach (var name in (console.Environment(DeviationsVariable) ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            emulator.Options.Deviations.Add(Enum.TryParse<EmulatorDeviation>(name, ignoreCase: true, out var deviation)
                ? deviation
                : throw new ArgumentException($"{DeviationsVariable}: '{name}' is not an emulator deviation; known: {string.Join(", ", Enum.GetNames<EmulatorDeviation>())}."));
        }

        if (model is not null && !emulator.Options.AcceptedModels.Contains(model))
        {
            emulator.Options.AcceptedModels.Add(model);
        }

        options.Endpoint = emulator.BaseAddress;
        options.ApiKey = EmulatorKey;
        var deviations = emulator.Options.Deviations.Count == 0 ? string.Empty : $", with deviations {string.Join(", ", emulator.Options.Deviations)}";
        console.Error.WriteLine($"No {provider.ApiKeyVariable ?? "KIMI_ENDPOINT"} set: answering offline from the built-in Kimi emulator ({provider.Name} dialect{deviations}).");
        return new CliHost(options, emulator);
    }

    /// <summary>A client for this host; over the emulator's in-memory transport when offline.</summary>
    public KimiClient CreateClient() => _emulator is { } emulator
        ? new KimiClient(new HttpClient(emulator.CreateHandler()) { Timeout = Timeout.InfiniteTimeSpan }, Options)
        : new KimiClient(Options);

    public ValueTask DisposeAsync() => _emulator?.DisposeAsync() ?? ValueTask.CompletedTask;
}

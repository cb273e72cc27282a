using System.CommandLine;
using Kimi.Client.Cli.Commands;

namespace Kimi.Client.Cli;

/// <summary>The <c>kimi</c> command tree. Exit codes: 0 success, 1 a failed call or a verify with deviations or errors, 2 bad usage.</summary>
internal static class KimiCli
{
    public const int Success = 0;
    public const int Failed = 1;
    public const int Usage = 2;

    public static readonly Option<string?> Provider = new("--provider", "-p")
    {
        Description = "The host: Moonshot, MoonshotChina, DeepInfra, Nvidia, Vllm, SGLang, KTransformers, Ollama, OllamaCloud, CloudflareWorkersAI (default: KIMI_PROVIDER, else Moonshot).",
        Recursive = true,
    };

    public static readonly Option<string?> Endpoint = new("--endpoint")
    {
        Description = "The host's base URL, ending before /chat/completions (default: KIMI_ENDPOINT, else the profile's).",
        Recursive = true,
    };

    public static readonly Option<string?> Model = new("--model", "-m")
    {
        Description = "The model id (default: the profile's Kimi K2.6 id).",
        Recursive = true,
    };

    public static readonly Option<bool> NoColor = new("--no-color")
    {
        Description = "Plain text: no colour, tables or progress bar (also when output is redirected, or NO_COLOR is set).",
        Recursive = true,
    };

    public static RootCommand Build(CliConsole console)
    {
        var root = new RootCommand(
            "kimi: check a Kimi K2.6 deployment against its host's wire contract, chat with it, and use Moonshot's platform calls. " +
            "With no key in the environment (the profile names the variable, e.g. MOONSHOT_API_KEY) and no --endpoint, every command runs offline against the built-in emulator.")
        {
            Provider, Endpoint, Model, NoColor,
        };
        root.Subcommands.Add(VerifyCommand.Create(console));
        root.Subcommands.Add(ChatCommand.Create(console));
        root.Subcommands.Add(AskCommand.Create(console));
        root.Subcommands.Add(ModelsCommand.Create(console));
        root.Subcommands.Add(BalanceCommand.Create(console));
        root.Subcommands.Add(TokensCommand.Create(console));
        return root;
    }

    public static async Task<int> RunAsync(string[] args, CliConsole console, CancellationToken cancellationToken = default)
    {
        var parsed = Build(console).Parse(args);
        console.NoColor = parsed.GetValue(NoColor);
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors)
            {
                await console.Error.WriteLineAsync(error.Message).ConfigureAwait(false);
            }

            await console.Error.WriteLineAsync("Run 'kimi --help' for usage.").ConfigureAwait(false);
            return Usage;
        }

        return await parsed.InvokeAsync(new InvocationConfiguration { Output = console.Out, Error = console.Error }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>An exception's message for the terminal: without .NET's "(Parameter '…')" suffix.</summary>
    public static string Message(Exception exception) =>
        exception is ArgumentException { ParamName: { } name } argument ? argument.Message.Replace($" (Parameter '{name}')", string.Empty, StringComparison.Ordinal) : exception.Message;

    /// <summary>Runs a command body with the shared host resolution and error reporting.</summary>
    public static async Task<int> WithHostAsync(CliConsole console, ParseResult parse, Func<CliHost, Task<int>> body)
    {
        CliHost host;
        try
        {
            host = CliHost.Resolve(console, parse.GetValue(Provider), parse.GetValue(Endpoint), parse.GetValue(Model));
        }
        catch (ArgumentException ex)
        {
            await console.Error.WriteLineAsync($"kimi: {Message(ex)}").ConfigureAwait(false);
            return Usage;
        }

        await using (host.ConfigureAwait(false))
        {
            try
            {
                return await body(host).ConfigureAwait(false);
            }
            catch (KimiException ex)
            {
                await console.Error.WriteLineAsync($"kimi: {ex.Message}").ConfigureAwait(false);
                return Failed;
            }
            catch (Exception ex) when (ex is ArgumentException or NotSupportedException or InvalidOperationException or IOException or UnauthorizedAccessException)
            {
                await console.Error.WriteLineAsync($"kimi: {Message(ex)}").ConfigureAwait(false);
                return ex is NotSupportedException or IOException or UnauthorizedAccessException ? Failed : Usage;
            }
        }
    }
}

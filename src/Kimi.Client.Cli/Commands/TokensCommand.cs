using System.CommandLine;

namespace Kimi.Client.Cli.Commands;

/// <summary><c>kimi tokens FILE</c>: a file's prompt tokens, counted by the host where it can, else estimated (and said so).</summary>
internal static class TokensCommand
{
    public static Command Create(CliConsole console)
    {
        var file = new Argument<string>("FILE") { Description = "A text file sent as one user message ('-' reads standard input)." };
        var system = new Option<string?>("--system") { Description = "A system prompt to count with it." };
        var command = new Command("tokens", "Count the prompt tokens of a file as one user message: the host's count endpoint (Moonshot) or a local estimate elsewhere.") { file, system };
        command.SetAction((parse, cancellationToken) => KimiCli.WithHostAsync(console, parse, async host =>
        {
            var path = parse.GetValue(file)!;
            var text = path == "-" ? await console.In.ReadToEndAsync(cancellationToken).ConfigureAwait(false) : await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
            if (text.Length == 0)
            {
                await console.Error.WriteLineAsync($"kimi: '{path}' is empty: there is nothing to count.").ConfigureAwait(false);
                return KimiCli.Usage;
            }

            var messages = new List<KimiMessage>();
            if (parse.GetValue(system) is { Length: > 0 } prompt)
            {
                messages.Add(KimiMessage.System(prompt));
            }

            messages.Add(KimiMessage.User(text));
            using var client = host.CreateClient();
            var count = await client.GetPlatformClient().EstimateTokensAsync(messages, cancellationToken: cancellationToken).ConfigureAwait(false);
            await console.Out.WriteLineAsync(count.IsEstimate ? $"{count.TotalTokens} (estimate: {client.Provider.DisplayName} has no token-count endpoint)" : count.TotalTokens.ToString(System.Globalization.CultureInfo.InvariantCulture)).ConfigureAwait(false);
            return KimiCli.Success;
        }));
        return command;
    }
}

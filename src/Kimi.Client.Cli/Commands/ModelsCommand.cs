using System.CommandLine;
using System.Globalization;
using Spectre.Console;

namespace Kimi.Client.Cli.Commands;

/// <summary><c>kimi models</c>: the host's model list with its capability fields (unknown shown as "?").</summary>
internal static class ModelsCommand
{
    public static Command Create(CliConsole console)
    {
        var command = new Command("models", "List the models the host serves to this key (GET {base}/models), with context length and image, video and reasoning support where the host says.");
        command.SetAction((parse, cancellationToken) => KimiCli.WithHostAsync(console, parse, async host =>
        {
            using var client = host.CreateClient();
            var models = await client.GetPlatformClient().GetModelsAsync(cancellationToken).ConfigureAwait(false);
            string[] header = ["id", "context", "image", "video", "reasoning", "owned by"];
            var rows = models.Select(static m => new[]
            {
                m.Id, m.ContextLength?.ToString("N0", CultureInfo.InvariantCulture) ?? "?", Flag(m.SupportsImageInput), Flag(m.SupportsVideoInput), Flag(m.SupportsReasoning), m.OwnedBy ?? string.Empty,
            }).ToList();
            if (console.RichOut)
            {
                var table = new Table().Border(TableBorder.Rounded);
                foreach (var column in header)
                {
                    table.AddColumn(column);
                }

                foreach (var row in rows)
                {
                    table.AddRow(row.Select(Markup.Escape).ToArray());
                }

                console.AnsiOut().Write(table);
            }
            else
            {
                PlainTable.Write(console.Out, header, rows);
            }

            return KimiCli.Success;
        }));
        return command;
    }

    private static string Flag(bool? value) => value switch { true => "yes", false => "no", null => "?" };
}

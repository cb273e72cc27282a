using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using Kimi.Client.Verification;
using Spectre.Console;

namespace Kimi.Client.Cli.Commands;

/// <summary>
/// <c>kimi verify</c>: the probes of verifier.md against the host, with a progress bar, a table, an optional JSON report and
/// host description, and exit code 1 when any probe reports a deviation or an error.
/// </summary>
internal static class VerifyCommand
{
    public static Command Create(CliConsole console)
    {
        var trials = new Option<int>("--trials") { Description = "Tool-call trials of P4 (2 to 40; half need the tool).", DefaultValueFactory = static _ => 8 };
        var json = new Option<string?>("--json") { Description = "Write the report as JSON to FILE ('-' for stdout, instead of the table)." };
        var writeProfile = new Option<string?>("--write-profile") { Description = "Write what was observed as a host description (Kimi:Hosts configuration) to FILE." };
        var video = new Option<bool>("--video") { Description = "Also send a tiny MP4 (P9; video cost is unconfirmed)." };
        var httpImage = new Option<bool>("--http-image") { Description = "Also send a public https image URL (P9: the host's URL policy)." };
        var minTps = new Option<double?>("--min-tps") { Description = "Fail P12 below this many output tokens per second." };
        var maxTtft = new Option<int?>("--max-ttft-ms") { Description = "Fail P12 when the first answer token takes longer than this." };
        var command = new Command("verify",
            "Check that the host speaks its profile's wire contract: model listed, thinking switch, reasoning field and round-trip, tool calls and ids, " +
            "sampling rules, usage and caching, [DONE], media, error shapes, request ids, latency (about 10-13 K tokens). Exit code 1 on any deviation or error.")
        {
            trials, json, writeProfile, video, httpImage, minTps, maxTtft,
        };
        command.SetAction((parse, cancellationToken) => KimiCli.WithHostAsync(console, parse, async host =>
        {
            var options = new KimiVerifierOptions
            {
                Trials = parse.GetValue(trials),
                IncludeVideo = parse.GetValue(video),
                IncludeHttpImage = parse.GetValue(httpImage),
                MinTokensPerSecond = parse.GetValue(minTps),
                MaxTimeToFirstToken = parse.GetValue(maxTtft) is { } ms ? TimeSpan.FromMilliseconds(ms) : null,
                Handler = host.Handler,
            };
            var report = await RunWithProgressAsync(console, host, options, cancellationToken).ConfigureAwait(false);
            var jsonPath = parse.GetValue(json);
            if (jsonPath != "-")
            {
                WriteTable(console, report);
            }

            if (jsonPath is not null)
            {
                if (jsonPath == "-")
                {
                    await console.Out.WriteLineAsync(report.ToJson()).ConfigureAwait(false);
                }
                else
                {
                    await File.WriteAllTextAsync(jsonPath, report.ToJson(), cancellationToken).ConfigureAwait(false);
                    await console.Error.WriteLineAsync($"Report written to {jsonPath}.").ConfigureAwait(false);
                }
            }

            if (parse.GetValue(writeProfile) is { } profilePath)
            {
                var suggested = report.SuggestedHost;
                if (host.IsEmulated)
                {
                    suggested.Endpoint = null; // the emulator's address means nothing outside this process
                }

                var name = ProfileWriter.HostName(report.Provider);
                await using (var file = File.Create(profilePath))
                {
                    ProfileWriter.Write(file, name, suggested);
                }

                await console.Error.WriteLineAsync($"Host description '{name}' written to {profilePath} (load it with AddKimiClient(configuration.GetSection(\"Kimi\"))).").ConfigureAwait(false);
            }

            return report.HasFailures ? KimiCli.Failed : KimiCli.Success;
        }));
        return command;
    }

    private static async Task<KimiVerificationReport> RunWithProgressAsync(CliConsole console, CliHost host, KimiVerifierOptions options, CancellationToken cancellationToken)
    {
        if (!console.RichError)
        {
            // Plain progress: one line per finished probe on stderr, so stdout stays the table or the JSON.
            options.Progress = new LineProgress(console.Error);
            return await KimiVerifier.RunAsync(host.Options, options, cancellationToken).ConfigureAwait(false);
        }

        KimiVerificationReport? report = null;
        await console.AnsiError().Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask("verifying", maxValue: 13);
                options.Progress = new BarProgress(task);
                report = await KimiVerifier.RunAsync(host.Options, options, cancellationToken).ConfigureAwait(false);
                task.Value = task.MaxValue;
            }).ConfigureAwait(false);
        return report!;
    }

    private static void WriteTable(CliConsole console, KimiVerificationReport report)
    {
        string[] header = ["probe", "check", "verdict", "codes", "observed", "tokens"];
        var rows = report.Checks.Select(static c => new[]
        {
            c.Probe, c.Name, KimiVerificationReport.Name(c.Verdict), string.Join(", ", c.Codes), c.Observed, c.Tokens.ToString(),
        }).ToList();
        var summary = $"{report.DisplayName} ({report.Model}) at {report.Endpoint}: {report.Count(KimiVerdict.Pass)} pass, {report.Count(KimiVerdict.Info)} info, " +
                      $"{report.Count(KimiVerdict.Deviation)} deviation, {report.Count(KimiVerdict.Error)} error, {report.Count(KimiVerdict.Skipped)} skipped; {report.Tokens}.";
        if (!console.RichOut)
        {
            PlainTable.Write(console.Out, header, rows);
            console.Out.WriteLine(summary);
            return;
        }

        var table = new Table().Border(TableBorder.Rounded).Title(Markup.Escape($"kimi verify: {report.DisplayName} ({report.Model})"));
        foreach (var column in header)
        {
            table.AddColumn(column);
        }

        foreach (var check in report.Checks)
        {
            var colour = check.Verdict switch
            {
                KimiVerdict.Pass => "green",
                KimiVerdict.Info => "blue",
                KimiVerdict.Deviation => "red",
                KimiVerdict.Error => "yellow",
                _ => "grey",
            };
            table.AddRow(
                Markup.Escape(check.Probe), Markup.Escape(check.Name), $"[{colour}]{KimiVerificationReport.Name(check.Verdict)}[/]", Markup.Escape(string.Join(", ", check.Codes)),
                Markup.Escape(check.Observed), Markup.Escape(check.Tokens.ToString()));
        }

        var ansi = console.AnsiOut();
        ansi.Write(table);
        ansi.MarkupLine(report.HasFailures ? $"[red]{Markup.Escape(summary)}[/]" : $"[green]{Markup.Escape(summary)}[/]");
    }

    private sealed class LineProgress(TextWriter error) : IProgress<KimiVerificationProgress>
    {
        public void Report(KimiVerificationProgress value)
        {
            if (value.Check is { } check)
            {
                error.WriteLine($"[{value.Index + 1}/{value.Count}] {check.Probe} {check.Name}: {KimiVerificationReport.Name(check.Verdict)}{(check.Codes.Count == 0 ? string.Empty : " " + string.Join(", ", check.Codes))}");
            }
        }
    }

    private sealed class BarProgress(ProgressTask task) : IProgress<KimiVerificationProgress>
    {
        public void Report(KimiVerificationProgress value)
        {
            task.Description = $"{value.Probe} {value.Name}";
            if (value.Check is not null)
            {
                task.Value = value.Index + 1;
            }
        }
    }
}

using Kimi.Client.Verification;

namespace Kimi.Client.Cli.Tests;

/// <summary>The command tree in-process with a console that is a terminal: Spectre's table for verify, dimmed reasoning for ask.</summary>
public class InProcessTests
{
    private static (CliConsole Console, StringWriter Out, StringWriter Error) Terminal(string stdin = "", Dictionary<string, string>? environment = null)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var console = new CliConsole(output, error, new StringReader(stdin), outputRedirected: false, errorRedirected: false, inputRedirected: stdin.Length > 0,
            name => environment?.GetValueOrDefault(name));
        return (console, output, error);
    }

    [Fact(Timeout = 60_000)]
    public async Task On_a_terminal_verify_draws_a_table_with_coloured_verdicts()
    {
        var (console, output, _) = Terminal();

        var exit = await KimiCli.RunAsync(["verify", "--provider", "Moonshot", "--trials", "2"], console, TestContext.Current.CancellationToken);

        Assert.Equal(0, exit);
        var text = output.ToString();
        Assert.Contains("kimi verify: Moonshot (kimi-k2.6)", text);
        Assert.Contains("\u001b[", text, StringComparison.Ordinal); // colour
        Assert.Contains("╭", text); // Spectre's rounded table
        Assert.Contains("P12", text);
        Assert.Contains("13 pass", text);
    }

    [Fact(Timeout = 60_000)]
    public async Task No_color_turns_the_terminal_plain()
    {
        var (console, output, error) = Terminal();

        var exit = await KimiCli.RunAsync(["verify", "--no-color", "--trials", "2"], console, TestContext.Current.CancellationToken);

        Assert.Equal(0, exit);
        Assert.StartsWith("probe  check", output.ToString());
        Assert.DoesNotContain("\u001b[", output.ToString() + error.ToString(), StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task On_a_terminal_ask_shows_the_reasoning_dimmed_on_stderr()
    {
        var (console, output, error) = Terminal();

        var exit = await KimiCli.RunAsync(["ask", "Hello"], console, TestContext.Current.CancellationToken);

        Assert.Equal(0, exit);
        Assert.Equal("Emulated Kimi answer: Hello" + Environment.NewLine, output.ToString());
        Assert.Contains("\u001b[2mThe", error.ToString(), StringComparison.Ordinal);
        Assert.Contains(" asked", error.ToString());
    }

    [Fact]
    public void The_verdict_names_are_those_of_the_json_report() =>
        Assert.Equal(["pass", "info", "deviation", "error", "skipped"], Enum.GetValues<KimiVerdict>().Select(KimiVerificationReport.Name));
}

using Spectre.Console;

namespace Kimi.Client.Cli;

/// <summary>
/// Where the tool reads and writes, and whether those are terminals: rich output (colour, progress, tables) only on a
/// terminal and without <c>--no-color</c> or <c>NO_COLOR</c>; plain text whenever redirected.
/// </summary>
internal sealed class CliConsole
{
    public CliConsole(TextWriter output, TextWriter error, TextReader input, bool outputRedirected, bool errorRedirected, bool inputRedirected, Func<string, string?> environment)
    {
        Out = output;
        Error = error;
        In = input;
        OutputRedirected = outputRedirected;
        ErrorRedirected = errorRedirected;
        InputRedirected = inputRedirected;
        Environment = environment;
    }

    public TextWriter Out { get; }

    public TextWriter Error { get; }

    public TextReader In { get; }

    public bool OutputRedirected { get; }

    public bool ErrorRedirected { get; }

    public bool InputRedirected { get; }

    public Func<string, string?> Environment { get; }

    /// <summary>Set by <c>--no-color</c>; <c>NO_COLOR</c> in the environment does the same.</summary>
    public bool NoColor { get; set; }

    /// <summary>Whether stdout gets colour, tables and progress (a terminal, colour allowed).</summary>
    public bool RichOut => !OutputRedirected && !NoColor && string.IsNullOrEmpty(Environment("NO_COLOR"));

    /// <summary>Whether stderr gets colour and a progress bar.</summary>
    public bool RichError => !ErrorRedirected && !NoColor && string.IsNullOrEmpty(Environment("NO_COLOR"));

    public static CliConsole FromProcess() => new(
        Console.Out, Console.Error, Console.In, Console.IsOutputRedirected, Console.IsErrorRedirected, Console.IsInputRedirected, System.Environment.GetEnvironmentVariable);

    /// <summary>A Spectre console over stdout (call only when <see cref="RichOut"/>).</summary>
    public IAnsiConsole AnsiOut() => AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Out) });

    /// <summary>A Spectre console over stderr (call only when <see cref="RichError"/>).</summary>
    public IAnsiConsole AnsiError() => AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Error) });

    /// <summary>Writes reasoning: dimmed on a terminal, as is otherwise.</summary>
    public static void WriteDim(TextWriter writer, bool rich, string text)
    {
        writer.Write(rich ? "\u001b[2m" + text + "\u001b[0m" : text);
    }
}

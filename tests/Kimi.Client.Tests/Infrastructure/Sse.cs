namespace Kimi.Client.Tests.Infrastructure;

/// <summary>SSE framing helpers for fixtures written one event per line.</summary>
internal static class Sse
{
    /// <summary>Turns a fixture with one <c>data: …</c> line per event into wire bytes (each event ends with a blank line).</summary>
    public static string Frame(string fixtureText) =>
        string.Concat(fixtureText.Replace("\r\n", "\n").Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(static line => line + "\n\n"));
}

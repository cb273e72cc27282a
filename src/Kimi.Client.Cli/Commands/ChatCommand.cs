using System.CommandLine;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Kimi.Client.Cli.Commands;

/// <summary>
/// <c>kimi chat</c>: a conversation on the terminal. Reasoning is shown dimmed before each answer; <c>/thinking on|off</c>
/// switches thinking, <c>/save FILE</c> writes the transcript as JSON, <c>/clear</c> starts over, <c>/exit</c> leaves.
/// </summary>
internal static class ChatCommand
{
    private const string Help = "Commands: /thinking on|off, /save FILE, /clear, /exit.";

    public static Command Create(CliConsole console)
    {
        var system = new Option<string?>("--system", "-s") { Description = "A system prompt." };
        var thinking = new Option<string?>("--thinking") { Description = "on or off at the start (switch later with /thinking on|off)." };
        var command = new Command("chat", "Chat interactively: reasoning dimmed, /thinking on|off, /save FILE, /clear, /exit.") { system, thinking };
        command.SetAction((parse, cancellationToken) => KimiCli.WithHostAsync(console, parse, async host =>
        {
            using var client = host.CreateClient();
            var history = new List<KimiMessage>();
            var instructions = parse.GetValue(system);
            if (instructions is { Length: > 0 })
            {
                history.Add(KimiMessage.System(instructions));
            }

            var mode = ParseThinking(parse.GetValue(thinking));
            await console.Error.WriteLineAsync($"Chatting with {client.Provider.DisplayName} ({client.Model}). {Help}").ConfigureAwait(false);
            while (true)
            {
                if (!console.InputRedirected)
                {
                    await console.Error.WriteAsync("> ").ConfigureAwait(false);
                }

                var line = await console.In.ReadLineAsync(cancellationToken).ConfigureAwait(false);
                if (line is null)
                {
                    return KimiCli.Success; // end of input
                }

                line = line.Trim();
                if (line.Length == 0)
                {
                    continue;
                }

                if (line.StartsWith('/'))
                {
                    var (exit, message) = Slash(line, history, ref mode);
                    if (message is not null)
                    {
                        await console.Error.WriteLineAsync(message).ConfigureAwait(false);
                    }

                    if (exit)
                    {
                        return KimiCli.Success;
                    }

                    continue;
                }

                history.Add(KimiMessage.User(line));
                try
                {
                    var completion = await AnswerAsync(console, client, history, mode, cancellationToken).ConfigureAwait(false);
                    history.Add(completion.ToMessage()); // with its reasoning, as Kimi requires on later turns
                }
                catch (KimiException ex)
                {
                    history.RemoveAt(history.Count - 1);
                    await console.Error.WriteLineAsync($"kimi: {ex.Message}").ConfigureAwait(false);
                }
            }
        }));
        return command;
    }

    public static ThinkingMode? ParseThinking(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        null or "" => null,
        "on" or "true" or "enabled" => ThinkingMode.Enabled,
        "off" or "false" or "disabled" => ThinkingMode.Disabled,
        _ => throw new ArgumentException($"--thinking takes on or off, not '{value}'."),
    };

    private static async Task<ChatCompletion> AnswerAsync(CliConsole console, KimiClient client, List<KimiMessage> history, ThinkingMode? mode, CancellationToken cancellationToken)
    {
        var stream = client.StreamAsync(history, new ChatCompletionOptions { Thinking = mode }, cancellationToken);
        var reasoning = false;
        await foreach (var update in stream.ConfigureAwait(false))
        {
            if (!string.IsNullOrEmpty(update.ReasoningDelta))
            {
                if (!reasoning && !console.RichOut)
                {
                    await console.Out.WriteAsync("(thinking) ").ConfigureAwait(false);
                }

                CliConsole.WriteDim(console.Out, console.RichOut, update.ReasoningDelta);
                reasoning = true;
            }

            if (!string.IsNullOrEmpty(update.ContentDelta))
            {
                if (reasoning)
                {
                    await console.Out.WriteLineAsync().ConfigureAwait(false);
                    reasoning = false;
                }

                await console.Out.WriteAsync(update.ContentDelta).ConfigureAwait(false);
            }
        }

        await console.Out.WriteLineAsync().ConfigureAwait(false);
        return stream.Completion!;
    }

    private static (bool Exit, string? Message) Slash(string line, List<KimiMessage> history, ref ThinkingMode? mode)
    {
        var parts = line.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        switch (parts[0].ToLowerInvariant())
        {
            case "/exit" or "/quit":
                return (true, null);
            case "/clear":
                history.RemoveAll(static m => m.Role != MessageRole.System);
                return (false, "Started over.");
            case "/thinking" when parts.Length == 2 && parts[1].ToLowerInvariant() is "on" or "off":
                mode = parts[1].Equals("on", StringComparison.OrdinalIgnoreCase) ? ThinkingMode.Enabled : ThinkingMode.Disabled;
                return (false, $"Thinking {parts[1].ToLowerInvariant()}.");
            case "/save" when parts.Length == 2:
                File.WriteAllText(parts[1], Transcript(history));
                return (false, $"Saved {history.Count} message(s) to {parts[1]}.");
            default:
                return (false, $"Unknown command '{line}'. {Help}");
        }
    }

    /// <summary>The conversation as JSON: role, text, reasoning and tool calls per message.</summary>
    internal static string Transcript(IEnumerable<KimiMessage> history)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartArray();
            foreach (var message in history)
            {
                writer.WriteStartObject();
                writer.WriteString("role", message.Role.ToString().ToLowerInvariant());
                writer.WriteString("content", message.Text);
                if (message.Reasoning is { } reasoning)
                {
                    writer.WriteString("reasoning", reasoning);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}

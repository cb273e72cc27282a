using System.CommandLine;

namespace Kimi.Client.Cli.Commands;

/// <summary>
/// <c>kimi ask "…"</c>: one question, the answer streamed to stdout and nothing else there, so it pipes. With no argument the
/// question is read from stdin; with both, piped text follows the argument (<c>cat notes.md | kimi ask "Summarize:"</c>).
/// </summary>
internal static class AskCommand
{
    public static Command Create(CliConsole console)
    {
        var prompt = new Argument<string[]>("PROMPT") { Description = "The question (words are joined); omit it to read the question from standard input.", Arity = ArgumentArity.ZeroOrMore };
        var system = new Option<string?>("--system", "-s") { Description = "A system prompt." };
        var thinking = new Option<string?>("--thinking") { Description = "on or off (default: the host's default, on for Kimi K2.6)." };
        var reasoning = new Option<bool>("--show-reasoning") { Description = "Write the reasoning to stderr (by default only when stderr is a terminal)." };
        var maxTokens = new Option<int?>("--max-tokens") { Description = "The output cap, reasoning included." };
        var command = new Command("ask", "Ask one question and stream the answer to stdout (reasoning goes to stderr, dimmed).") { prompt, system, thinking, reasoning, maxTokens };
        command.SetAction((parse, cancellationToken) => KimiCli.WithHostAsync(console, parse, async host =>
        {
            var question = string.Join(' ', parse.GetValue(prompt) ?? []);
            if (console.InputRedirected)
            {
                var piped = await console.In.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
                question = question.Length == 0 ? piped.Trim() : piped.Trim().Length == 0 ? question : question + "\n\n" + piped.TrimEnd();
            }

            if (string.IsNullOrWhiteSpace(question))
            {
                await console.Error.WriteLineAsync("kimi ask: no question: pass it as an argument or pipe it in (echo \"…\" | kimi ask).").ConfigureAwait(false);
                return KimiCli.Usage;
            }

            var options = new ChatCompletionOptions { Thinking = ChatCommand.ParseThinking(parse.GetValue(thinking)), MaxOutputTokens = parse.GetValue(maxTokens) };
            var messages = new List<KimiMessage>();
            if (parse.GetValue(system) is { Length: > 0 } instructions)
            {
                messages.Add(KimiMessage.System(instructions));
            }

            messages.Add(KimiMessage.User(question));
            var showReasoning = parse.GetValue(reasoning) || console.RichError;
            using var client = host.CreateClient();
            var stream = client.StreamAsync(messages, options, cancellationToken);
            var reasoned = false;
            await foreach (var update in stream.ConfigureAwait(false))
            {
                if (showReasoning && !string.IsNullOrEmpty(update.ReasoningDelta))
                {
                    CliConsole.WriteDim(console.Error, console.RichError, update.ReasoningDelta);
                    reasoned = true;
                }

                if (!string.IsNullOrEmpty(update.ContentDelta))
                {
                    if (reasoned)
                    {
                        await console.Error.WriteLineAsync().ConfigureAwait(false);
                        reasoned = false;
                    }

                    await console.Out.WriteAsync(update.ContentDelta).ConfigureAwait(false);
                }
            }

            await console.Out.WriteLineAsync().ConfigureAwait(false);
            if (console.RichError && stream.Completion is { } completion)
            {
                CliConsole.WriteDim(console.Error, rich: true, $"[{completion.FinishReason}] {completion.Usage}{Environment.NewLine}");
            }

            return KimiCli.Success;
        }));
        return command;
    }
}

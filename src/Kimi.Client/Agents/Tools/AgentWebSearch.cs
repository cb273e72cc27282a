using Kimi.Client.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Kimi.Client.Agents;

/// <summary>
/// Moonshot's <c>$web_search</c> loop inside an agent run: declares the built-in tool with thinking off (one warning per run),
/// answers each search call by echoing its arguments unchanged (the search runs on Moonshot's side), counts searches and the
/// search material they put into prompts, and stops a run whose model keeps searching without answering. Caller tools in
/// the same turn run as usual.
/// </summary>
internal sealed class AgentWebSearch(KimiClient client, int maxRounds)
{
    private bool _warned;
    private int _rounds;

    public int Calls { get; private set; }

    public long ResultTokens { get; private set; }

    /// <summary>Sets the call's options: the built-in tool declared, thinking off (said once per run when it would have been on).</summary>
    public void Apply(ChatCompletionOptions options, ILogger logger)
    {
        options.WebSearch = true;
        if (options.Thinking != ThinkingMode.Disabled && !_warned)
        {
            KimiLog.WebSearchThinkingDisabled(logger, client.Provider.DisplayName);
            _warned = true;
        }

        options.Thinking = ThinkingMode.Disabled; // explicit, so the request path does not warn again on every call
    }

    /// <summary>The echoed answers to a turn's search calls by call id (null when it has none), or the loop's end.</summary>
    public (Dictionary<string, string>? Answers, KimiWebSearchLoopException? TooLong) Answer(IReadOnlyList<ToolCall> calls)
    {
        Dictionary<string, string>? answers = null;
        foreach (var call in calls)
        {
            if (KimiWebSearch.IsWebSearch(call))
            {
                (answers ??= new Dictionary<string, string>(StringComparer.Ordinal))[call.Id] = KimiWebSearch.Answer(call).Text;
            }
        }

        _rounds = answers is null ? 0 : _rounds + 1;
        if (_rounds > maxRounds)
        {
            return (null, new KimiWebSearchLoopException(
                $"The model asked for web searches {_rounds} rounds in a row without answering; the run was stopped after {maxRounds}. Ask a narrower question, " +
                "raise KimiAgentOptions.MaxWebSearchRounds, or turn KimiAgentOptions.WebSearch off.", client.Provider, _rounds));
        }

        foreach (var call in calls)
        {
            if (answers?.ContainsKey(call.Id) == true)
            {
                Calls++;
                ResultTokens += KimiWebSearch.ResultTokens(call) ?? 0;
            }
        }

        return (answers, null);
    }
}

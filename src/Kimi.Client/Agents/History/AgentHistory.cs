namespace Kimi.Client.Agents;

/// <summary>
/// A run's live history and what each message costs in the prompt. A message's cost is exact once a call that sent it has
/// reported its usage (the prompt-token delta since the previous call, shared among the messages new in it); until then it
/// is an estimate: the model's output tokens for its own assistant turn, else about four characters a token.
/// </summary>
internal sealed class AgentHistory
{
    private const int CharsPerToken = 4;

    private readonly List<KimiMessage> _messages;
    private readonly List<int> _tokens;
    private readonly List<bool> _settled;
    private long _total;

    public AgentHistory(IEnumerable<KimiMessage> messages)
    {
        _messages = [];
        _tokens = [];
        _settled = [];
        foreach (var message in messages)
        {
            Track(message, Estimate(message));
        }

        ProtectedCount = FindProtectedCount(_messages);
    }

    public IReadOnlyList<KimiMessage> Messages => _messages;

    public int Count => _messages.Count;

    /// <summary>The leading system messages and the task (the first user message): never compacted.</summary>
    public int ProtectedCount { get; }

    /// <summary>The next prompt's tokens for these messages: exact for what was sent (tools included), estimated for the rest.</summary>
    public long PromptTokens => _total;

    public int TokensOf(int index) => _tokens[index];

    public void Add(KimiMessage message, int? knownTokens = null) => Track(message, knownTokens ?? Estimate(message));

    /// <summary>Messages [0, <paramref name="sent"/>) went out in a call whose usage says <paramref name="promptTokens"/>.</summary>
    public void Settle(int sent, int promptTokens)
    {
        long settled = 0, unsettled = 0;
        var last = -1;
        for (var i = 0; i < sent; i++)
        {
            if (_settled[i])
            {
                settled += _tokens[i];
            }
            else
            {
                unsettled += _tokens[i];
                last = i;
            }
        }

        var share = promptTokens - settled;
        if (last < 0)
        {
            // Nothing new was sent, yet the count moved (a provider-side change): the first message absorbs the difference.
            if (share != 0 && sent > 0)
            {
                Adjust(0, (int)Math.Max(1, _tokens[0] + share));
            }

            return;
        }

        if (share <= 0)
        {
            return; // the provider counted less than what was already settled: keep the estimates, settle nothing
        }

        // Shared in proportion to the estimates; the last new message takes the rounding remainder so the sum is exact.
        long given = 0;
        for (var i = 0; i < sent; i++)
        {
            if (_settled[i])
            {
                continue;
            }

            var tokens = i == last ? share - given : unsettled == 0 ? 0 : share * _tokens[i] / unsettled;
            given += tokens;
            Adjust(i, (int)tokens);
            _settled[i] = true;
        }
    }

    /// <summary>Replaces messages [start, start + count) by <paramref name="replacement"/>, each with its cost.</summary>
    public void Replace(int start, int count, IReadOnlyList<(KimiMessage Message, int Tokens)> replacement)
    {
        for (var i = start; i < start + count; i++)
        {
            _total -= _tokens[i];
        }

        _messages.RemoveRange(start, count);
        _tokens.RemoveRange(start, count);
        _settled.RemoveRange(start, count);
        _messages.InsertRange(start, replacement.Select(r => r.Message));
        _tokens.InsertRange(start, replacement.Select(r => r.Tokens));
        _settled.InsertRange(start, replacement.Select(_ => false));
        foreach (var (_, tokens) in replacement)
        {
            _total += tokens;
        }
    }

    public static int Estimate(KimiMessage message) => (int)((Chars(message) + CharsPerToken - 1) / CharsPerToken);

    /// <summary>Characters a message puts into a prompt: text, reasoning and tool calls.</summary>
    public static long Chars(KimiMessage message)
    {
        long chars = message.Text.Length + (message.Reasoning?.Length ?? 0);
        if (message.ToolCallsOrNull is { } calls)
        {
            foreach (var call in calls)
            {
                chars += call.Id.Length + call.Name.Length + call.Arguments.Length;
            }
        }

        return chars;
    }

    private static int FindProtectedCount(List<KimiMessage> messages)
    {
        var index = 0;
        while (index < messages.Count && messages[index].Role == MessageRole.System)
        {
            index++;
        }

        var firstUser = messages.FindIndex(index, m => m.Role == MessageRole.User);
        return firstUser >= 0 ? firstUser + 1 : index;
    }

    private void Track(KimiMessage message, int tokens)
    {
        _messages.Add(message);
        _tokens.Add(tokens);
        _settled.Add(false);
        _total += tokens;
    }

    private void Adjust(int index, int tokens)
    {
        _total += tokens - _tokens[index];
        _tokens[index] = tokens;
    }
}

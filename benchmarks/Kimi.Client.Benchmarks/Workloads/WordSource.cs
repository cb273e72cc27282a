using System.Text;

namespace Kimi.Client.Benchmarks.Workloads;

/// <summary>Deterministic pseudo-text (a fixed LCG over a fixed vocabulary), so every run replays the same bytes.</summary>
internal sealed class WordSource(uint seed)
{
    private static readonly string[] Vocabulary =
    [
        "the", "model", "reads", "a", "file", "and", "then", "writes", "its", "answer", "with", "care", "because", "tests",
        "must", "pass", "before", "we", "ship", "code", "stream", "tokens", "quickly", "over", "HTTP", "to", "client",
        "which", "parses", "JSON", "chunks", "into", "updates", "reasoning", "comes", "first", "tool", "calls", "follow",
        "usage", "is", "counted", "once", "Kimi", "thinks", "about", "edge", "cases", "like", "empty", "deltas", "or",
        "unknown", "finish", "reasons", "so", "nothing", "breaks", "under", "load", "in", "production", "today", "agent",
    ];

    private uint _state = seed;

    public int Next(int maxExclusive)
    {
        _state = unchecked((_state * 1664525u) + 1013904223u);
        return (int)((_state >> 8) % (uint)maxExclusive);
    }

    /// <summary><paramref name="count"/> words, each preceded by a space (as tokenizers emit them).</summary>
    public string Words(int count)
    {
        var sb = new StringBuilder();
        AppendWords(sb, count);
        return sb.ToString();
    }

    public void AppendWords(StringBuilder sb, int count)
    {
        for (var i = 0; i < count; i++)
        {
            sb.Append(' ').Append(Vocabulary[Next(Vocabulary.Length)]);
        }
    }

    /// <summary>Prose of about <paramref name="length"/> characters, with paragraph breaks and the odd quoted word.</summary>
    public string Text(int length)
    {
        var sb = new StringBuilder(length + 16);
        var sentence = 0;
        while (sb.Length < length)
        {
            AppendWords(sb, 6 + Next(8));
            sb.Append('.');
            if (++sentence % 5 == 0)
            {
                sb.Append("\n\n");
            }
            else if (sentence % 7 == 0)
            {
                sb.Append(" \"").Append(Vocabulary[Next(Vocabulary.Length)]).Append("\" ");
            }
        }

        return sb.ToString(0, length);
    }
}

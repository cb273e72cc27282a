using Kimi.Client.Testing.Processing;

namespace Kimi.Client.Testing.Tests.Processing;

public sealed class ReplyRendererTests
{
    [Fact(Timeout = 10000)]
    public async Task Words_keep_the_whitespace_before_each_word_so_deltas_concatenate_back()
    {
        string[] words = ReplyRenderer.Words("Hello  big\nworld ").ToArray();

        Assert.Equal(["Hello", "  big", "\nworld", " "], words);
        Assert.Empty(ReplyRenderer.Words(null));
        await Task.CompletedTask;
    }

    [Fact(Timeout = 10000)]
    public async Task Fragments_never_split_a_surrogate_pair()
    {
        string arguments = "{\"a\":\"1234\uD83D\uDE00xyz\"}";

        string[] fragments = ReplyRenderer.Fragments(arguments).ToArray();

        Assert.Equal(arguments, string.Concat(fragments));
        Assert.All(fragments, fragment => Assert.False(char.IsHighSurrogate(fragment[^1])));
        Assert.Empty(ReplyRenderer.Fragments(string.Empty));
        await Task.CompletedTask;
    }
}

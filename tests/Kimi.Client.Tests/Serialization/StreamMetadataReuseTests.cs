using System.Text;
using Kimi.Client.Serialization;

namespace Kimi.Client.Tests.Serialization;

/// <summary>
/// The id and model every chunk repeats are read once per stream: while they stay the same, every update shares one id
/// string and one model string (plain, escaped or non-ASCII on the wire); when the host changes one mid-stream, the updates
/// after it carry the new value. A model named as it was asked for is the string asked with, streamed or whole.
/// </summary>
public class StreamMetadataReuseTests
{
    [Theory]
    [InlineData("chatcmpl-6a8de8a98709c8ec9c4875ac", "kimi-k2.6", "chatcmpl-6a8de8a98709c8ec9c4875ac", "kimi-k2.6")]
    [InlineData("chat\\u0063mpl-1", "kimi\\/k2.6", "chatcmpl-1", "kimi/k2.6")]
    [InlineData("réponse-1", "kimi-k2.6-é", "réponse-1", "kimi-k2.6-é")]
    public void An_unchanged_id_and_model_are_read_once(string wireId, string wireModel, string id, string model)
    {
        var parser = new ChunkParser(null, new ReasoningOrigin("moonshot", "kimi-k2.6"));
        var updates = Enumerable.Range(0, 5).Select(i => Parse(parser, wireId, wireModel, $"t{i}")).ToList();

        Assert.All(updates, u => Assert.Equal(id, u.Id));
        Assert.All(updates, u => Assert.Equal(model, u.Model));
        Assert.All(updates, u => Assert.Same(updates[0].Id, u.Id));
        Assert.All(updates, u => Assert.Same(updates[0].Model, u.Model));
    }

    [Fact]
    public void A_changed_id_or_model_mid_stream_is_carried_by_the_updates_after_it()
    {
        var parser = new ChunkParser(null, new ReasoningOrigin("moonshot", "kimi-k2.6"));
        var first = Parse(parser, "chatcmpl-1", "kimi-k2.6", "a");
        var changedId = Parse(parser, "chatcmpl-2", "kimi-k2.6", "b");
        var changedModel = Parse(parser, "chatcmpl-2", "kimi-k2.5", "c");
        var changedOneLetter = Parse(parser, "chatcmpl-3", "kimi-k2.5", "d");

        Assert.Equal(("chatcmpl-1", "kimi-k2.6"), (first.Id, first.Model));
        Assert.Equal(("chatcmpl-2", "kimi-k2.6"), (changedId.Id, changedId.Model));
        Assert.Equal(("chatcmpl-2", "kimi-k2.5"), (changedModel.Id, changedModel.Model));
        Assert.Equal(("chatcmpl-3", "kimi-k2.5"), (changedOneLetter.Id, changedOneLetter.Model));
    }

    [Theory]
    [InlineData("kimi-k2.6", true)]
    [InlineData("kimi\\u002dk2.6", true)] // escaped on the wire, the same name
    [InlineData("kimi-k2.6-0905", false)]
    public void A_model_named_as_asked_is_the_string_asked_with_and_another_is_read(string wireModel, bool asked)
    {
        var requested = new string("kimi-k2.6".AsSpan()); // not the interned literal: only the parser can hand this one back
        var origin = new ReasoningOrigin("moonshot", requested);
        var streamed = Parse(new ChunkParser(null, origin), "chatcmpl-1", wireModel, "a");
        var whole = new ChunkParser(null, origin) { CompletesWholeAnswers = true }.ParseResponse(Encoding.UTF8.GetBytes(
            $$"""{"id":"c1","model":"{{wireModel}}","choices":[{"index":0,"message":{"content":"a"},"finish_reason":"stop"}]}""")).Completion!;

        foreach (var model in new[] { streamed.Model, whole.Model })
        {
            Assert.Equal(asked, ReferenceEquals(requested, model));
            Assert.Equal(asked ? "kimi-k2.6" : "kimi-k2.6-0905", model);
        }
    }

    private static ChatCompletionUpdate Parse(ChunkParser parser, string id, string model, string text) =>
        parser.ParseEvent(Encoding.UTF8.GetBytes(
            $$"""{"id":"{{id}}","object":"chat.completion.chunk","created":1,"model":"{{model}}","choices":[{"index":0,"delta":{"content":"{{text}}"},"finish_reason":null}]}""")).Update!;
}

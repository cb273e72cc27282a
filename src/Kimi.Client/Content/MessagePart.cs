namespace Kimi.Client;

/// <summary>One piece of a message's content: text, an image or a video.</summary>
/// <remarks>The set of part kinds is closed; new kinds are added by this library, never by callers.</remarks>
public abstract class MessagePart
{
    private protected MessagePart()
    {
    }
}

namespace Kimi.Client;

/// <summary>Text content.</summary>
public sealed class TextPart : MessagePart
{
    /// <summary>Creates a text part.</summary>
    /// <param name="text">The text.</param>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is <see langword="null"/>.</exception>
    public TextPart(string text) => Text = text ?? throw new ArgumentNullException(nameof(text));

    /// <summary>The text.</summary>
    public string Text { get; }

    /// <inheritdoc/>
    public override string ToString() => Text;
}

namespace Kimi.Client.Testing.Processing;

/// <summary>The thinking switch of one request.</summary>
internal readonly record struct EmulatedThinking(EmulatedThinkingMode Mode, bool Preserve)
{
    public static EmulatedThinking Enabled { get; } = new(EmulatedThinkingMode.On, false);

    public bool IsOn => Mode == EmulatedThinkingMode.On;
}

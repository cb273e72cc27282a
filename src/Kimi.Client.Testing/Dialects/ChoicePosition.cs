namespace Kimi.Client.Testing.Dialects;

/// <summary>Which kind of choice object is being closed.</summary>
internal enum ChoicePosition
{
    /// <summary>The choice of a non-streamed <c>chat.completion</c>.</summary>
    Message,

    /// <summary>A streamed chunk before the finish.</summary>
    Delta,

    /// <summary>The streamed chunk that carries <c>finish_reason</c>.</summary>
    Finish,
}

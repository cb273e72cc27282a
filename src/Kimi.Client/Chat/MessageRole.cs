namespace Kimi.Client;

/// <summary>Who wrote a <see cref="KimiMessage"/>.</summary>
public enum MessageRole
{
    /// <summary>Instructions for the model (<c>system</c>).</summary>
    System = 0,

    /// <summary>The person or program asking (<c>user</c>).</summary>
    User = 1,

    /// <summary>The model's earlier turn (<c>assistant</c>), with its reasoning and tool calls.</summary>
    Assistant = 2,

    /// <summary>The result of a tool call (<c>tool</c>).</summary>
    Tool = 3,
}

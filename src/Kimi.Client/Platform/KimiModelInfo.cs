namespace Kimi.Client;

/// <summary>
/// One entry of a host's model list (<see cref="KimiPlatformClient.GetModelsAsync"/>). Capability fields are
/// <see langword="null"/> when the host does not say: unknown, never "no".
/// </summary>
public sealed class KimiModelInfo
{
    /// <summary>Creates an entry. Results come from <see cref="KimiPlatformClient.GetModelsAsync"/>; build your own for tests.</summary>
    /// <param name="id">The model id, as the host lists it.</param>
    public KimiModelInfo(string id)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        Id = id;
    }

    /// <summary>The model id to send as <see cref="KimiClientOptions.Model"/>.</summary>
    public string Id { get; }

    /// <summary>Who owns it, as listed (<c>moonshot</c>, <c>vllm</c> …).</summary>
    public string? OwnedBy { get; init; }

    /// <summary>When the host says it was created.</summary>
    public DateTimeOffset? Created { get; init; }

    /// <summary>A display name, when the host gives one.</summary>
    public string? DisplayName { get; init; }

    /// <summary>The context window in tokens (Moonshot's <c>context_length</c>, vLLM's <c>max_model_len</c>), or <see langword="null"/> when not listed.</summary>
    public int? ContextLength { get; init; }

    /// <summary>Whether it takes images (Moonshot's <c>supports_image_in</c>), or <see langword="null"/> when not listed.</summary>
    public bool? SupportsImageInput { get; init; }

    /// <summary>Whether it takes video (Moonshot's <c>supports_video_in</c>), or <see langword="null"/> when not listed.</summary>
    public bool? SupportsVideoInput { get; init; }

    /// <summary>Whether it reasons (Moonshot's <c>supports_reasoning</c>), or <see langword="null"/> when not listed.</summary>
    public bool? SupportsReasoning { get; init; }

    /// <inheritdoc/>
    public override string ToString() => ContextLength is { } window ? $"{Id} ({window} tokens)" : Id;
}

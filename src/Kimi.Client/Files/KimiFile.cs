namespace Kimi.Client;

/// <summary>A file uploaded to Moonshot's files API.</summary>
/// <param name="id">The file id.</param>
/// <param name="fileName">The name it was uploaded under.</param>
/// <param name="purpose">What it is for, as the provider reports it (<c>image</c>, <c>video</c>, <c>file-extract</c>, …).</param>
/// <param name="sizeInBytes">Its size.</param>
/// <param name="createdAt">When it was uploaded.</param>
/// <param name="status">The provider's processing status (for example <c>ok</c>), if reported.</param>
public sealed class KimiFile(string id, string fileName, string purpose, long sizeInBytes, DateTimeOffset createdAt, string? status = null)
{
    /// <summary>The file id; send it with <see cref="ImagePart.FromFileId"/> or <see cref="VideoPart.FromFileId"/>.</summary>
    public string Id { get; } = id ?? throw new ArgumentNullException(nameof(id));

    /// <summary>The name it was uploaded under.</summary>
    public string FileName { get; } = fileName ?? string.Empty;

    /// <summary>What it is for, as the provider reports it (<c>image</c>, <c>video</c>, <c>file-extract</c>, …).</summary>
    public string Purpose { get; } = purpose ?? string.Empty;

    /// <summary>Its size in bytes.</summary>
    public long SizeInBytes { get; } = sizeInBytes;

    /// <summary>When it was uploaded.</summary>
    public DateTimeOffset CreatedAt { get; } = createdAt;

    /// <summary>The provider's processing status (for example <c>ok</c>), if reported.</summary>
    public string? Status { get; } = status;

    /// <summary>The reference used in message parts: <c>ms://&lt;id&gt;</c>.</summary>
    public Uri Reference => new("ms://" + Id);

    /// <inheritdoc/>
    public override string ToString() => $"{Id} ({FileName}, {Purpose}, {SizeInBytes} bytes)";
}

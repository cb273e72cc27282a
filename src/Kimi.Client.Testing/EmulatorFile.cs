namespace Kimi.Client.Testing;

/// <summary>A file uploaded to the emulator's files endpoint (Moonshot dialect).</summary>
public sealed class EmulatorFile
{
    /// <summary>Creates a file record.</summary>
    /// <param name="id">The file id, such as <c>file-emu-0001</c>; messages reference it as <c>ms://&lt;id&gt;</c>.</param>
    /// <param name="fileName">The name it was uploaded under.</param>
    /// <param name="purpose">The <c>purpose</c> form field (<c>image</c>, <c>video</c> or <c>file-extract</c>).</param>
    /// <param name="mediaType">The file part's <c>Content-Type</c>, if it had one.</param>
    /// <param name="content">The uploaded bytes.</param>
    /// <param name="createdAt">The upload time, in Unix seconds (deterministic, like completion ids).</param>
    public EmulatorFile(string id, string fileName, string purpose, string? mediaType, ReadOnlyMemory<byte> content, long createdAt)
    {
        Id = id;
        FileName = fileName;
        Purpose = purpose;
        MediaType = mediaType;
        Content = content;
        CreatedAt = createdAt;
    }

    /// <summary>The file id.</summary>
    public string Id { get; }

    /// <summary>The name it was uploaded under.</summary>
    public string FileName { get; }

    /// <summary>The <c>purpose</c> form field.</summary>
    public string Purpose { get; }

    /// <summary>The file part's <c>Content-Type</c>, if it had one.</summary>
    public string? MediaType { get; }

    /// <summary>The uploaded bytes.</summary>
    public ReadOnlyMemory<byte> Content { get; }

    /// <summary>The upload time, in Unix seconds.</summary>
    public long CreatedAt { get; }

    /// <inheritdoc/>
    public override string ToString() => $"{Id} {FileName} ({Purpose}, {Content.Length} bytes)";
}

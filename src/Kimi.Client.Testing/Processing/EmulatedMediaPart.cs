namespace Kimi.Client.Testing.Processing;

/// <summary>One <c>image_url</c> or <c>video_url</c> part of a request.</summary>
/// <param name="Kind"><c>image</c> or <c>video</c>.</param>
/// <param name="Url">The URL as sent (<c>{"url":…}</c> or a bare string).</param>
/// <param name="MessageIndex">The index of the message that holds it.</param>
/// <param name="DataMediaType">For a <c>data:</c> URL, its media type.</param>
internal sealed record EmulatedMediaPart(string Kind, string Url, int MessageIndex, string? DataMediaType)
{
    public bool IsHttp => Url.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || Url.StartsWith("https://", StringComparison.OrdinalIgnoreCase);

    public bool IsFileId => Url.StartsWith("ms://", StringComparison.OrdinalIgnoreCase);

    public string FileId => Url["ms://".Length..];
}

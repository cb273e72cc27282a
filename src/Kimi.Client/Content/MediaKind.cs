namespace Kimi.Client;

/// <summary>Image or video: which wire part and which media types apply.</summary>
internal enum MediaKind
{
    Image,
    Video,
}

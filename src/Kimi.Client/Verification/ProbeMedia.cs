namespace Kimi.Client.Verification;

/// <summary>The fixed media of probe P9.</summary>
internal static class ProbeMedia
{
    /// <summary>A 16×16 solid red PNG (8-bit RGB, 79 bytes).</summary>
    public static byte[] RedPng { get; } = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAIAAACQkWg2AAAAFklEQVR42mP4z8BAEmIY1TCqYfhqAACQ+f8B8u7oVwAAAABJRU5ErkJggg==");

    /// <summary>The model card's public image (verifier.md, P9 b).</summary>
    public static Uri PublicImage { get; } = new("https://huggingface.co/moonshotai/Kimi-K2.6/resolve/main/figures/kimi-logo.png");

    /// <summary>
    /// A minimal MP4 container: an <c>ftyp</c> box (isom) and an empty <c>moov</c> box. Enough for a host's media-type and
    /// acceptance checks; it has no frames, so a host that decodes video may call it empty.
    /// </summary>
    public static byte[] TinyMp4 { get; } =
    [
        0, 0, 0, 0x18, (byte)'f', (byte)'t', (byte)'y', (byte)'p', (byte)'i', (byte)'s', (byte)'o', (byte)'m', 0, 0, 2, 0,
        (byte)'i', (byte)'s', (byte)'o', (byte)'m', (byte)'m', (byte)'p', (byte)'4', (byte)'1',
        0, 0, 0, 8, (byte)'m', (byte)'o', (byte)'o', (byte)'v',
    ];
}

namespace Kimi.Client.Tests.Providers;

/// <summary>Small media payloads with real signatures, so the SDK's sniffing sees the type the test means.</summary>
internal static class MediaTestBytes
{
    public static byte[] Png { get; } = Payload([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A], 301);

    public static byte[] Jpeg { get; } = Payload([0xFF, 0xD8, 0xFF, 0xE0], 302);

    public static byte[] WebP { get; } = Payload([.. "RIFF"u8, 0x24, 0, 0, 0, .. "WEBPVP8 "u8], 303);

    public static byte[] Gif { get; } = Payload([.. "GIF89a"u8], 304);

    public static byte[] Mp4 { get; } = Payload([0, 0, 0, 0x18, .. "ftypisom"u8], 305);

    private static byte[] Payload(byte[] header, int length)
    {
        var bytes = new byte[length];
        new Random(length).NextBytes(bytes);
        header.CopyTo(bytes, 0);
        return bytes;
    }
}

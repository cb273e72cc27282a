using System.Text.Json.Nodes;
using Kimi.Client.Testing;
using Kimi.Client.Tests.Infrastructure;

namespace Kimi.Client.Tests.Content;

/// <summary>Where a media part's bytes come from, for theories.</summary>
public enum MediaSource
{
    Bytes,
    File,
    SeekableStream,
    NonSeekableStream,
    DataUrl,
    HttpUrl,
    FileId,
}

/// <summary>Media payloads, parts and emulator-backed clients (real HTTP on a loopback Kestrel port) for the media tests.</summary>
internal static class MediaTestKit
{
    /// <summary>A PNG-signed payload of 100,001 bytes: not a multiple of 3 and larger than one read chunk, so the streamed base64 must join up.</summary>
    public static byte[] Png { get; } = Payload([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A], 100_001);

    /// <summary>An MP4-signed payload (ftyp box) of 70,000 bytes.</summary>
    public static byte[] Mp4 { get; } = Payload([0, 0, 0, 0x18, (byte)'f', (byte)'t', (byte)'y', (byte)'p', (byte)'i', (byte)'s', (byte)'o', (byte)'m'], 70_000);

    public static byte[] Payload(byte[] header, int length)
    {
        var bytes = new byte[length];
        new Random(42).NextBytes(bytes);
        header.CopyTo(bytes, 0);
        return bytes;
    }

    public static string DataUrl(string mediaType, byte[] bytes) => $"data:{mediaType};base64,{Convert.ToBase64String(bytes)}";

    public static string TempFile(byte[] bytes, string extension)
    {
        var path = Path.Combine(Path.GetTempPath(), $"kimi-media-{Guid.NewGuid():N}{extension}");
        File.WriteAllBytes(path, bytes);
        return path;
    }

    public static async Task<KimiEmulator> StartEmulatorAsync(KimiProvider provider)
    {
        var emulator = new KimiEmulator(new KimiEmulatorOptions { Provider = provider });
        await emulator.StartAsync(TestContext.Current.CancellationToken);
        return emulator;
    }

    public static KimiClient ClientFor(KimiEmulator emulator, Action<KimiClientOptions>? configure = null)
    {
        var options = new KimiClientOptions
        {
            Provider = emulator.Options.Provider,
            Endpoint = emulator.BaseAddress,
            ApiKey = TestClients.ApiKey,
            Resilience = { MaxAttempts = 1 },
        };
        configure?.Invoke(options);
        return new KimiClient(options);
    }

    /// <summary>The <c>messages</c> array of the last request the emulator received.</summary>
    public static string SentMessages(KimiEmulator emulator) =>
        JsonNode.Parse(emulator.Requests[^1].Body)!["messages"]!.ToJsonString();
}

using Kimi.Client.Testing;
using Kimi.Client.Tests.Infrastructure;

namespace Kimi.Client.Tests.Content;

/// <summary>Every part kind and source, on every provider that takes it: the exact <c>messages</c> JSON on the wire (conformance 11).</summary>
public class MediaWireTests
{
    public static TheoryData<KimiProvider, string, MediaSource> ImageCases()
    {
        var data = new TheoryData<KimiProvider, string, MediaSource>();
        foreach (var provider in new[] { KimiProvider.Moonshot, KimiProvider.DeepInfra, KimiProvider.Nvidia, KimiProvider.Vllm, KimiProvider.SGLang })
        {
            foreach (var source in Enum.GetValues<MediaSource>())
            {
                var takesIt = source switch
                {
                    MediaSource.HttpUrl => provider != KimiProvider.Moonshot,
                    MediaSource.FileId => provider == KimiProvider.Moonshot,
                    _ => true,
                };
                if (takesIt)
                {
                    data.Add(provider, "image", source);
                }
            }
        }

        return data;
    }

    public static TheoryData<KimiProvider, string, MediaSource> VideoCases()
    {
        var data = new TheoryData<KimiProvider, string, MediaSource>();
        foreach (var source in Enum.GetValues<MediaSource>())
        {
            if (source != MediaSource.HttpUrl)
            {
                data.Add(KimiProvider.Moonshot, "video", source);
            }
        }

        // Elsewhere only with AllowUnconfirmedVideo; NVIDIA and SGLang list the part.
        data.Add(KimiProvider.Nvidia, "video", MediaSource.Bytes);
        data.Add(KimiProvider.Nvidia, "video", MediaSource.HttpUrl);
        data.Add(KimiProvider.SGLang, "video", MediaSource.File);
        return data;
    }

    [Theory(Timeout = 30_000)]
    [MemberData(nameof(ImageCases))]
    [MemberData(nameof(VideoCases))]
    public async Task Media_parts_go_on_the_wire_as_url_objects_with_the_exact_url(KimiProvider provider, string kind, MediaSource source)
    {
        await using var emulator = await MediaTestKit.StartEmulatorAsync(provider);
        using var client = MediaTestKit.ClientFor(emulator, o =>
        {
            o.Media.AllowUnconfirmedImages = true;
            o.Media.AllowUnconfirmedVideo = true;
        });
        var image = kind == "image";
        var bytes = image ? MediaTestKit.Png : MediaTestKit.Mp4;
        var type = image ? "image/png" : "video/mp4";
        var path = MediaTestKit.TempFile(bytes, image ? ".png" : ".mp4");
        try
        {
            string? fileId = null;
            if (source == MediaSource.FileId)
            {
                fileId = (await client.GetFilesClient().UploadAsync(path, cancellationToken: TestContext.Current.CancellationToken)).Id;
            }

            using var stream = source == MediaSource.NonSeekableStream ? new NonSeekableStream(bytes) : (Stream)new MemoryStream(bytes);
            var url = source switch
            {
                MediaSource.HttpUrl => "https://cdn.example.com/media/sample" + (image ? ".png" : ".mp4"),
                MediaSource.FileId => "ms://" + fileId,
                _ => MediaTestKit.DataUrl(type, bytes),
            };
            MediaPart part = source switch
            {
                MediaSource.Bytes => image ? ImagePart.FromBytes(bytes) : VideoPart.FromBytes(bytes),
                MediaSource.File => image ? ImagePart.FromFile(path) : VideoPart.FromFile(path),
                MediaSource.SeekableStream => image ? ImagePart.FromStream(stream) : VideoPart.FromStream(stream),
                MediaSource.NonSeekableStream => image ? await ImagePart.FromStreamAsync(stream, cancellationToken: TestContext.Current.CancellationToken) : await VideoPart.FromStreamAsync(stream, cancellationToken: TestContext.Current.CancellationToken),
                MediaSource.FileId => image ? ImagePart.FromFileId(fileId!) : VideoPart.FromFileId(fileId!),
                _ => image ? ImagePart.FromUri(new Uri(url)) : VideoPart.FromUri(new Uri(url)),
            };

            var completion = await client.CompleteAsync([KimiMessage.User(new TextPart("Describe."), part)], cancellationToken: TestContext.Current.CancellationToken);

            var wire = image ? "image_url" : "video_url";
            JsonAssert.Equal(
                $$$"""[{"role":"user","content":[{"type":"text","text":"Describe."},{"type":"{{{wire}}}","{{{wire}}}":{"url":"{{{url}}}"}}]}]""",
                MediaTestKit.SentMessages(emulator));
            Assert.Contains($"[received: {kind}", completion.Text);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact(Timeout = 30_000)]
    public async Task A_message_with_media_keeps_text_and_parts_in_order_and_its_name()
    {
        await using var emulator = await MediaTestKit.StartEmulatorAsync(KimiProvider.Moonshot);
        using var client = MediaTestKit.ClientFor(emulator);
        var small = MediaTestKit.Payload([0xFF, 0xD8, 0xFF], 10);
        var message = KimiMessage.User(new TextPart("First"), ImagePart.FromBytes(small), new TextPart("then"), VideoPart.FromBytes(MediaTestKit.Mp4.AsMemory(0, 12)));
        message.Name = "alice";

        await client.CompleteAsync([KimiMessage.System("Be brief."), message], cancellationToken: TestContext.Current.CancellationToken);

        JsonAssert.Equal(
            $$$"""
            [{"role":"system","content":"Be brief."},
             {"role":"user","content":[
               {"type":"text","text":"First"},
               {"type":"image_url","image_url":{"url":"{{{MediaTestKit.DataUrl("image/jpeg", small)}}}"}},
               {"type":"text","text":"then"},
               {"type":"video_url","video_url":{"url":"{{{MediaTestKit.DataUrl("video/mp4", MediaTestKit.Mp4[..12])}}}"}}],
              "name":"alice"}]
            """,
            MediaTestKit.SentMessages(emulator));
    }

    [Fact(Timeout = 30_000)]
    public async Task Opted_in_video_on_vllm_is_sent_and_the_servers_refusal_comes_back_verbatim()
    {
        await using var emulator = await MediaTestKit.StartEmulatorAsync(KimiProvider.Vllm);
        using var client = MediaTestKit.ClientFor(emulator, o => o.Media.AllowUnconfirmedVideo = true);

        var error = await Assert.ThrowsAnyAsync<KimiApiException>(() =>
            client.CompleteAsync([KimiMessage.User(new TextPart("Describe."), VideoPart.FromBytes(MediaTestKit.Mp4))], cancellationToken: TestContext.Current.CancellationToken));

        Assert.Contains("video input is not supported", error.Message);
        Assert.Contains("video_url", emulator.Requests.Single().Body);
    }
}

/// <summary>A read-only stream that cannot seek, like a network or request body.</summary>
internal sealed class NonSeekableStream(byte[] bytes) : Stream
{
    private readonly MemoryStream _inner = new(bytes);

    public int Reads { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count)
    {
        Reads++;
        return _inner.Read(buffer, offset, count);
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

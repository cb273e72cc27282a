using Kimi.Client.Tests.Infrastructure;

namespace Kimi.Client.Tests.Content;

/// <summary>Parts a provider cannot take fail before sending, naming the provider and the way out (conformance 11).</summary>
public class MediaRejectionTests
{
#pragma warning disable CA1068 // The token comes first so every test passes TestContext.Current.CancellationToken visibly.
    private static async Task<TException> RejectedAsync<TException>(CancellationToken cancellationToken, KimiProvider provider, MediaPart part, Action<KimiClientOptions>? configure = null)
        where TException : Exception
    {
        await using var emulator = await MediaTestKit.StartEmulatorAsync(provider);
        using var client = MediaTestKit.ClientFor(emulator, configure);
        var error = await Assert.ThrowsAsync<TException>(() => client.CompleteAsync([KimiMessage.User(new TextPart("Describe."), part)], cancellationToken: cancellationToken));
        Assert.Empty(emulator.Requests); // nothing was sent
        return error;
    }

    [Fact(Timeout = 20_000)]
    public async Task An_https_image_url_on_moonshot_is_rejected_with_the_ways_out()
    {
        var error = await RejectedAsync<NotSupportedException>(TestContext.Current.CancellationToken, KimiProvider.Moonshot, ImagePart.FromUri(new Uri("https://example.com/cat.png?sig=secret")));

        Assert.Equal(
            "Moonshot does not accept http(s) image URLs (it answers 400); Message 0's image is https://example.com/cat.png. " +
            "Pass the bytes (ImagePart.FromFile, FromBytes or FromStream), upload it (KimiClient.GetFilesClient().UploadAsync, then ImagePart.FromFileId), " +
            "or set KimiClientOptions.Media.InlineHttpUrls = true to download and inline it (bounded by Media.MaxDownloadBytes and Media.DownloadTimeout).",
            error.Message);
    }

    [Theory(Timeout = 20_000)]
    [InlineData("DeepInfra", "DeepInfra")]
    [InlineData("Nvidia", "NVIDIA")]
    [InlineData("Vllm", "self-hosted vLLM")]
    [InlineData("SGLang", "self-hosted SGLang")]
    public async Task Video_off_moonshot_throws_not_supported_unless_opted_in(string providerName, string name)
    {
        var provider = KimiProvider.FromName(providerName);
        var error = await RejectedAsync<NotSupportedException>(TestContext.Current.CancellationToken, provider, VideoPart.FromBytes(MediaTestKit.Mp4));

        Assert.StartsWith($"{name} is not confirmed to take video for Kimi K2.6", error.Message);
        Assert.Contains("Send it to a host that takes video (KimiProvider.Moonshot, KimiProvider.MoonshotChina), or set KimiClientOptions.Media.AllowUnconfirmedVideo = true", error.Message);
    }

    [Fact(Timeout = 20_000)]
    public async Task An_image_on_deepinfra_needs_the_unconfirmed_images_opt_in()
    {
        var error = await RejectedAsync<NotSupportedException>(TestContext.Current.CancellationToken, KimiProvider.DeepInfra, ImagePart.FromBytes(MediaTestKit.Png));

        Assert.StartsWith("DeepInfra is not confirmed to take images for Kimi K2.6", error.Message);
        Assert.Contains("Use a host that takes them (KimiProvider.Moonshot, KimiProvider.MoonshotChina, KimiProvider.Nvidia, KimiProvider.Vllm, KimiProvider.SGLang, KimiProvider.KTransformers, KimiProvider.Ollama, KimiProvider.OllamaCloud, KimiProvider.CloudflareWorkersAI, KimiProvider.OpenRouter), or set KimiClientOptions.Media.AllowUnconfirmedImages = true", error.Message);
    }

    [Fact(Timeout = 20_000)]
    public async Task A_moonshot_file_id_elsewhere_says_to_send_the_bytes()
    {
        var error = await RejectedAsync<NotSupportedException>(TestContext.Current.CancellationToken, KimiProvider.Nvidia, ImagePart.FromFileId("file-abc"));

        Assert.Equal("Message 0's image is a file id (ms://file-abc), which NVIDIA cannot read. Send the image inline (ImagePart.FromFile, FromBytes or FromStream), or send this call to a host that reads file ids (KimiProvider.Moonshot, KimiProvider.MoonshotChina).", error.Message);
    }

    [Fact(Timeout = 20_000)]
    public async Task A_media_type_moonshot_does_not_list_is_rejected()
    {
        var error = await RejectedAsync<NotSupportedException>(TestContext.Current.CancellationToken, KimiProvider.Moonshot, ImagePart.FromBytes("<svg/>"u8.ToArray(), "image/svg+xml"));

        Assert.Equal("Moonshot accepts png, jpeg, jpg, webp, gif images (Moonshot's vision guide); Message 0's image is image/svg+xml. Convert it to PNG or JPEG, or send it to another provider.", error.Message);
    }

    [Fact(Timeout = 20_000)]
    public async Task A_part_over_the_inline_limit_names_upload_and_the_setting()
    {
        var error = await RejectedAsync<ArgumentException>(TestContext.Current.CancellationToken, KimiProvider.Moonshot, VideoPart.FromBytes(MediaTestKit.Mp4), configure: o => o.Media.MaxInlineVideoBytes = 1000);

        Assert.StartsWith("Message 0's video is 70000 bytes, over the 1000 bytes inline limit for Moonshot (KimiClientOptions.Media.MaxInlineVideoBytes). Upload it (KimiClient.GetFilesClient().UploadAsync, then VideoPart.FromFileId)", error.Message);
    }

    [Fact(Timeout = 20_000)]
    public async Task A_file_url_is_refused_with_the_file_factory()
    {
        var error = await RejectedAsync<ArgumentException>(TestContext.Current.CancellationToken, KimiProvider.Nvidia, ImagePart.FromUri(new Uri("file:///tmp/cat.png")));

        Assert.StartsWith("Message 0's image has a 'file:' URL; Kimi takes http(s), data: and (Moonshot) ms:// URLs. For a local file use ImagePart.FromFile(path).", error.Message);
    }

    [Fact(Timeout = 20_000)]
    public async Task Media_outside_user_messages_is_refused()
    {
        await using var emulator = await MediaTestKit.StartEmulatorAsync(KimiProvider.Moonshot);
        using var client = MediaTestKit.ClientFor(emulator);
        var system = new KimiMessage(MessageRole.System, "Look:");
        system.Parts.Add(ImagePart.FromBytes(MediaTestKit.Png));

        var error = await Assert.ThrowsAsync<ArgumentException>(() => client.CompleteAsync([system, KimiMessage.User("Hi")], cancellationToken: TestContext.Current.CancellationToken));

        Assert.Contains("media parts go in user messages", error.Message);
    }

    [Fact]
    public void A_non_seekable_stream_given_to_the_sync_factory_points_to_the_async_one()
    {
        var error = Assert.Throws<ArgumentException>(() => ImagePart.FromStream(new NonSeekableStream(MediaTestKit.Png)));

        Assert.StartsWith("The media stream cannot seek, so a retry could not re-send it: use await ImagePart.FromStreamAsync(stream), which buffers it once", error.Message);
    }

    [Fact]
    public void A_video_given_to_an_image_part_says_which_part_to_use()
    {
        var error = Assert.Throws<ArgumentException>(() => ImagePart.FromBytes(MediaTestKit.Mp4));

        Assert.StartsWith("the bytes is a video (video/mp4): use VideoPart for it.", error.Message);
    }

    [Fact(Timeout = 20_000)]
    public async Task Files_on_a_provider_without_a_files_api_throw_not_supported()
    {
        using var client = TestClients.For(KimiProvider.DeepInfra, "http://127.0.0.1:9");
        var files = client.GetFilesClient();

        Assert.False(files.IsSupported);
        var error = await Assert.ThrowsAsync<NotSupportedException>(() => files.ListAsync(TestContext.Current.CancellationToken));
        Assert.StartsWith("DeepInfra has no files API for Kimi. Send the media inline", error.Message);
        Assert.Contains("a host that has one (KimiProvider.Moonshot, KimiProvider.MoonshotChina)", error.Message);
    }
}

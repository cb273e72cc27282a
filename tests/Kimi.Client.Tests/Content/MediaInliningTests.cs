using Kimi.Client.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace Kimi.Client.Tests.Content;

/// <summary>Moonshot with <see cref="KimiMediaOptions.InlineHttpUrls"/>: http(s) media is downloaded (bounded, without the key) and inlined.</summary>
public class MediaInliningTests
{
    [Fact(Timeout = 30_000)]
    public async Task An_https_image_is_downloaded_without_the_key_and_sent_as_a_data_url()
    {
        string? authorization = "not called";
        await using var images = await LoopbackServer.StartAsync(async context =>
        {
            authorization = context.Request.Headers.Authorization.ToString();
            context.Response.ContentType = "application/octet-stream"; // a CDN's generic type: the bytes are sniffed
            await context.Response.Body.WriteAsync(MediaTestKit.Png, context.RequestAborted);
        });
        await using var emulator = await MediaTestKit.StartEmulatorAsync(KimiProvider.Moonshot);
        using var client = MediaTestKit.ClientFor(emulator, o => o.Media.InlineHttpUrls = true);

        await client.CompleteAsync([KimiMessage.User(new TextPart("Describe."), ImagePart.FromUri(new Uri(images.Url + "/cat")))], cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(string.Empty, authorization);
        JsonAssert.Equal(
            $$$"""[{"role":"user","content":[{"type":"text","text":"Describe."},{"type":"image_url","image_url":{"url":"{{{MediaTestKit.DataUrl("image/png", MediaTestKit.Png)}}}"}}]}]""",
            MediaTestKit.SentMessages(emulator));
    }

    [Fact(Timeout = 30_000)]
    public async Task A_download_over_the_limit_fails_before_sending()
    {
        await using var images = await LoopbackServer.StartAsync(context => context.Response.Body.WriteAsync(MediaTestKit.Png, context.RequestAborted).AsTask());
        await using var emulator = await MediaTestKit.StartEmulatorAsync(KimiProvider.Moonshot);
        using var client = MediaTestKit.ClientFor(emulator, o =>
        {
            o.Media.InlineHttpUrls = true;
            o.Media.MaxDownloadBytes = 1000;
        });

        var error = await Assert.ThrowsAsync<KimiException>(() => client.CompleteAsync([KimiMessage.User(new TextPart("Describe."), ImagePart.FromUri(new Uri(images.Url + "/big.png")))], cancellationToken: TestContext.Current.CancellationToken));

        Assert.StartsWith($"Could not download the image at {images.Url}/big.png to inline it for Moonshot (which does not fetch URLs): it is over the 1000 bytes limit (KimiClientOptions.Media.MaxDownloadBytes). Nothing was sent.", error.Message);
        Assert.Empty(emulator.Requests);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_download_that_outlasts_the_calls_total_limit_ends_the_call_with_the_budget_timeout_before_sending()
    {
        await using var images = await LoopbackServer.StartAsync(async context => await Task.Delay(TimeSpan.FromSeconds(20), context.RequestAborted));
        await using var emulator = await MediaTestKit.StartEmulatorAsync(KimiProvider.Moonshot);
        using var client = MediaTestKit.ClientFor(emulator, o =>
        {
            o.Media.InlineHttpUrls = true;
            o.Media.DownloadTimeout = TimeSpan.FromSeconds(20);
            o.Resilience.TotalTimeout = TimeSpan.FromSeconds(1);
        });

        var error = await Assert.ThrowsAsync<KimiTimeoutException>(() => client.CompleteAsync([KimiMessage.User(new TextPart("Describe."), ImagePart.FromUri(new Uri(images.Url + "/slow.png")))], cancellationToken: TestContext.Current.CancellationToken));

        Assert.Contains("within the 1 s budget for all tries", error.Message, StringComparison.Ordinal);
        var attempt = Assert.Single(error.Attempts);
        Assert.Equal(KimiAttemptOutcome.NotSent, attempt.Outcome);
        Assert.Equal("total time budget spent downloading media", attempt.Detail);
        Assert.Empty(emulator.Requests);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_slow_download_times_out_before_sending()
    {
        await using var images = await LoopbackServer.StartAsync(async context => await Task.Delay(TimeSpan.FromSeconds(20), context.RequestAborted));
        await using var emulator = await MediaTestKit.StartEmulatorAsync(KimiProvider.Moonshot);
        using var client = MediaTestKit.ClientFor(emulator, o =>
        {
            o.Media.InlineHttpUrls = true;
            o.Media.DownloadTimeout = TimeSpan.FromMilliseconds(200);
        });

        var error = await Assert.ThrowsAsync<KimiException>(() => client.CompleteAsync([KimiMessage.User(new TextPart("Describe."), ImagePart.FromUri(new Uri(images.Url + "/slow.png")))], cancellationToken: TestContext.Current.CancellationToken));

        Assert.Contains("it took longer than 0.2 s (KimiClientOptions.Media.DownloadTimeout)", error.Message);
        Assert.Empty(emulator.Requests);
    }
}

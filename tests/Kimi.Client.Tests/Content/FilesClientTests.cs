namespace Kimi.Client.Tests.Content;

/// <summary>Moonshot's files API: upload, then reference the id as <c>ms://</c>; list; delete (against the emulator over HTTP).</summary>
public class FilesClientTests
{
    [Fact(Timeout = 30_000)]
    public async Task An_uploaded_video_is_sent_as_an_ms_reference_and_then_deleted()
    {
        await using var emulator = await MediaTestKit.StartEmulatorAsync(KimiProvider.Moonshot);
        using var client = MediaTestKit.ClientFor(emulator);
        var files = client.GetFilesClient();
        var path = MediaTestKit.TempFile(MediaTestKit.Mp4, ".mp4");
        try
        {
            var file = await files.UploadAsync(path, cancellationToken: TestContext.Current.CancellationToken);

            Assert.Equal("file-emu-0001", file.Id);
            Assert.Equal("video", file.Purpose);
            Assert.Equal(MediaTestKit.Mp4.Length, file.SizeInBytes);
            Assert.Equal(Path.GetFileName(path), file.FileName);
            Assert.Equal("ms://file-emu-0001", file.Reference.OriginalString);
            var upload = emulator.Requests.Single();
            Assert.StartsWith("multipart/form-data", upload.Headers["Content-Type"]);
            Assert.Equal(MediaTestKit.Mp4, emulator.Files.Single().Content.ToArray());
            Assert.Equal("video/mp4", emulator.Files.Single().MediaType);

            var completion = await client.CompleteAsync([KimiMessage.User(new TextPart("What happens?"), VideoPart.FromFileId(file.Id))], cancellationToken: TestContext.Current.CancellationToken);

            Assert.Contains("[received: video ms://file-emu-0001]", completion.Text);
            Assert.Contains("""{"type":"video_url","video_url":{"url":"ms://file-emu-0001"}}""", emulator.Requests[^1].Body);

            var listed = await files.ListAsync(TestContext.Current.CancellationToken);
            Assert.Equal("file-emu-0001", Assert.Single(listed).Id);
            Assert.True(await files.DeleteAsync(file.Id, TestContext.Current.CancellationToken));
            Assert.Empty(await files.ListAsync(TestContext.Current.CancellationToken));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact(Timeout = 30_000)]
    public async Task A_stream_upload_takes_the_purpose_and_sniffs_the_type()
    {
        await using var emulator = await MediaTestKit.StartEmulatorAsync(KimiProvider.Moonshot);
        using var client = MediaTestKit.ClientFor(emulator);

        var file = await client.GetFilesClient().UploadAsync(new NonSeekableStream(MediaTestKit.Png), "photo", KimiFilePurpose.Image, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal("image", file.Purpose);
        Assert.Equal("image/png", emulator.Files.Single().MediaType);
    }

    [Fact(Timeout = 30_000)]
    public async Task Deleting_an_unknown_file_surfaces_the_providers_404()
    {
        await using var emulator = await MediaTestKit.StartEmulatorAsync(KimiProvider.Moonshot);
        using var client = MediaTestKit.ClientFor(emulator);

        var error = await Assert.ThrowsAnyAsync<KimiApiException>(() => client.GetFilesClient().DeleteAsync("file-missing", TestContext.Current.CancellationToken));

        Assert.Equal(System.Net.HttpStatusCode.NotFound, error.Status);
        Assert.Contains("file not found: file-missing", error.Message);
    }

    [Fact(Timeout = 30_000)]
    public async Task The_emulator_rejects_a_reference_to_an_upload_it_no_longer_has()
    {
        await using var emulator = await MediaTestKit.StartEmulatorAsync(KimiProvider.Moonshot);
        using var client = MediaTestKit.ClientFor(emulator);

        var error = await Assert.ThrowsAnyAsync<KimiApiException>(() => client.CompleteAsync([KimiMessage.User(new TextPart("Hi"), ImagePart.FromFileId("file-emu-0042"))], cancellationToken: TestContext.Current.CancellationToken));

        Assert.Contains("file not found: file-emu-0042", error.Message);
    }
}

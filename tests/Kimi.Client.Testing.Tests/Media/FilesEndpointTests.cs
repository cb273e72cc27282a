using System.Net.Http.Headers;
using System.Text.Json;

namespace Kimi.Client.Testing.Tests.Media;

/// <summary>The Moonshot dialect serves <c>/v1/files</c>: upload (multipart), list, get, delete, and <c>ms://</c> references to uploads.</summary>
public class FilesEndpointTests
{
    private static readonly byte[] PngBytes = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0];

    private static async Task<(int Status, JsonElement Body)> UploadAsync(EmulatorHarness harness, string purpose, string mediaType, string? apiKey = "sk-test")
    {
        using var form = new MultipartFormDataContent();
        form.Add(new StringContent(purpose), "purpose");
        var file = new ByteArrayContent(PngBytes);
        file.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        form.Add(file, "file", "dot.png");
        using var request = new HttpRequestMessage(HttpMethod.Post, harness.Emulator.BaseAddress + "/files") { Content = form };
        if (apiKey is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }

        using var response = await harness.Client.SendAsync(request, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return ((int)response.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
    }

    private static async Task<(int Status, JsonElement Body)> SendAsync(EmulatorHarness harness, HttpMethod method, string path)
    {
        using var request = new HttpRequestMessage(method, harness.Emulator.BaseAddress + path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "sk-test");
        using var response = await harness.Client.SendAsync(request, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return ((int)response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    [Theory(Timeout = 20_000)]
    [InlineData(Transport.InMemory)]
    [InlineData(Transport.Loopback)]
    public async Task An_upload_is_listed_retrievable_referencable_and_deletable(Transport transport)
    {
        await using var harness = await EmulatorHarness.CreateAsync(KimiProvider.Moonshot, transport);

        var (status, file) = await UploadAsync(harness, "image", "image/png");
        Assert.Equal(200, status);
        var id = file.GetProperty("id").GetString()!;
        Assert.Equal("file-emu-0001", id);
        Assert.Equal("file", file.GetProperty("object").GetString());
        Assert.Equal(PngBytes.Length, file.GetProperty("bytes").GetInt32());
        Assert.Equal("dot.png", file.GetProperty("filename").GetString());
        Assert.Equal("image", file.GetProperty("purpose").GetString());
        Assert.Equal(PngBytes, harness.Emulator.Files.Single().Content.ToArray());

        var (_, list) = await SendAsync(harness, HttpMethod.Get, "/files");
        Assert.Equal(id, list.GetProperty("data")[0].GetProperty("id").GetString());
        var (getStatus, _) = await SendAsync(harness, HttpMethod.Get, "/files/" + id);
        Assert.Equal(200, getStatus);

        var chat = $$$"""{"model":"kimi-k2.6","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"ms://{{{id}}}"}}]}]}""";
        Assert.Equal(200, (await harness.PostAsync(chat)).Status);

        var (deleteStatus, deleted) = await SendAsync(harness, HttpMethod.Delete, "/files/" + id);
        Assert.Equal(200, deleteStatus);
        Assert.True(deleted.GetProperty("deleted").GetBoolean());
        Assert.Empty(harness.Emulator.Files);
        Assert.Equal(400, (await harness.PostAsync(chat)).Status);
        Assert.Equal(404, (await SendAsync(harness, HttpMethod.Delete, "/files/" + id)).Status);
    }

    [Fact(Timeout = 20_000)]
    public async Task An_upload_with_an_unknown_purpose_or_a_mismatched_type_is_rejected()
    {
        await using var harness = await EmulatorHarness.CreateAsync(KimiProvider.Moonshot);

        var (badPurpose, body) = await UploadAsync(harness, "pictures", "image/png");
        var (mismatch, _) = await UploadAsync(harness, "video", "image/png");

        Assert.Equal(400, badPurpose);
        Assert.Contains("invalid purpose", body.GetProperty("error").GetProperty("message").GetString());
        Assert.Equal(400, mismatch);
        Assert.Empty(harness.Emulator.Files);
    }

    [Fact(Timeout = 20_000)]
    public async Task An_upload_without_a_key_is_unauthorized()
    {
        await using var harness = await EmulatorHarness.CreateAsync(KimiProvider.Moonshot);

        var (status, _) = await UploadAsync(harness, "image", "image/png", apiKey: null);

        Assert.Equal(401, status);
    }

    [Fact(Timeout = 20_000)]
    public async Task Dialects_without_a_files_api_do_not_serve_it()
    {
        await using var harness = await EmulatorHarness.CreateAsync(KimiProvider.Nvidia);

        var (status, _) = await SendAsync(harness, HttpMethod.Get, "/files");

        Assert.Equal(404, status);
    }
}

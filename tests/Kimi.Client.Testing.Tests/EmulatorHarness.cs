using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Kimi.Client.Testing;

namespace Kimi.Client.Testing.Tests;

/// <summary>How the test reaches the emulator.</summary>
public enum Transport
{
    InMemory,
    Loopback,
}

/// <summary>An emulator plus a plain <see cref="HttpClient"/> over one transport.</summary>
internal sealed class EmulatorHarness : IAsyncDisposable
{
    private EmulatorHarness(KimiEmulator emulator, HttpClient client)
    {
        Emulator = emulator;
        Client = client;
    }

    public KimiEmulator Emulator { get; }

    public HttpClient Client { get; }

    public Uri ChatUri => new(Emulator.BaseAddress + "/chat/completions");

    public static async Task<EmulatorHarness> CreateAsync(KimiEmulatorOptions? options = null, Transport transport = Transport.InMemory)
    {
        var emulator = new KimiEmulator(options);
        if (transport == Transport.Loopback)
        {
            await emulator.StartAsync(TestContext.Current.CancellationToken);
            return new(emulator, new HttpClient());
        }

        return new(emulator, new HttpClient(emulator.CreateHandler()));
    }

    public static Task<EmulatorHarness> CreateAsync(KimiProvider provider, Transport transport = Transport.InMemory) =>
        CreateAsync(new KimiEmulatorOptions { Provider = provider }, transport);

    public async Task<HttpResponseMessage> SendAsync(string json, string? apiKey = "sk-test", Uri? uri = null, HttpMethod? method = null,
        HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead)
    {
        using var request = new HttpRequestMessage(method ?? HttpMethod.Post, uri ?? ChatUri)
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        };
        if (apiKey is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }

        return await Client.SendAsync(request, completion, TestContext.Current.CancellationToken);
    }

    public async Task<(int Status, string Body)> PostAsync(string json, string? apiKey = "sk-test", Uri? uri = null)
    {
        using HttpResponseMessage response = await SendAsync(json, apiKey, uri);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    public async Task<JsonElement> CompleteAsync(string json, string? apiKey = "sk-test")
    {
        (int status, string body) = await PostAsync(json, apiKey);
        Assert.True(status == 200, $"Expected 200, got {status}: {body}");
        return Parse(body);
    }

    /// <summary>Posts a streamed request and returns the <c>data:</c> payloads, <c>[DONE]</c> included.</summary>
    public async Task<List<string>> StreamAsync(string json, string? apiKey = "sk-test")
    {
        using HttpResponseMessage response = await SendAsync(json, apiKey, completion: HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        return Events(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    public static List<string> Events(string sse)
    {
        Assert.EndsWith("\n\n", sse);
        return sse.Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
            .Select(line =>
            {
                Assert.StartsWith("data: ", line);
                return line["data: ".Length..];
            })
            .ToList();
    }

    public static JsonElement Parse(string json)
    {
        using JsonDocument document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Emulator.DisposeAsync();
    }
}

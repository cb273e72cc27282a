using System.Text.Json;

namespace Kimi.Client.Testing.Tests.Media;

/// <summary>Each dialect accepts or rejects image and video parts as the provider does (spec: each file's "Images and video").</summary>
public class MediaRulesTests
{
    private const string Png = "data:image/png;base64,iVBORw0KGgo=";
    private const string Mp4 = "data:video/mp4;base64,AAAAGGZ0eXBpc29t";

    private static string Request(string model, string type, string url) => JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["model"] = model,
        ["messages"] = new object[]
        {
            new Dictionary<string, object>
            {
                ["role"] = "user",
                ["content"] = new object[]
                {
                    new Dictionary<string, object> { ["type"] = "text", ["text"] = "Describe." },
                    new Dictionary<string, object> { ["type"] = type, [type] = new Dictionary<string, object> { ["url"] = url } },
                },
            },
        },
    });

    private static string ModelOf(KimiProvider provider) => provider.Name switch
    {
        "Moonshot" => "kimi-k2.6",
        "Nvidia" => "moonshotai/kimi-k2.6",
        _ => "moonshotai/Kimi-K2.6",
    };

    [Theory(Timeout = 20_000)]
    [InlineData("Moonshot", "image_url", Png, 200)]
    [InlineData("Moonshot", "video_url", Mp4, 200)]
    [InlineData("Moonshot", "image_url", "https://example.com/cat.png", 400)]
    [InlineData("Moonshot", "image_url", "data:image/svg+xml;base64,PHN2Zy8+", 400)]
    [InlineData("Moonshot", "image_url", "ms://file-emu-9999", 400)]
    [InlineData("Moonshot", "image_url", "data:image/png;base64,not base64!", 400)]
    [InlineData("DeepInfra", "image_url", "https://example.com/cat.png", 200)]
    [InlineData("DeepInfra", "video_url", Mp4, 400)]
    [InlineData("Nvidia", "image_url", Png, 200)]
    [InlineData("Nvidia", "video_url", Mp4, 200)]
    [InlineData("Nvidia", "image_url", "ms://file-emu-0001", 400)]
    [InlineData("Vllm", "image_url", "https://example.com/cat.png", 200)]
    [InlineData("Vllm", "video_url", Mp4, 400)]
    [InlineData("SGLang", "video_url", Mp4, 200)]
    public async Task Each_dialect_accepts_or_rejects_media_parts_like_its_provider(string providerName, string type, string url, int expected)
    {
        var provider = KimiProvider.FromName(providerName);
        await using var harness = await EmulatorHarness.CreateAsync(provider);

        var (status, body) = await harness.PostAsync(Request(ModelOf(provider), type, url));

        Assert.True(status == expected, $"Expected {expected}, got {status}: {body}");
    }

    [Fact(Timeout = 20_000)]
    public async Task Moonshot_rejects_an_https_image_url_with_its_recorded_message()
    {
        await using var harness = await EmulatorHarness.CreateAsync(KimiProvider.Moonshot);

        var (status, body) = await harness.PostAsync(Request("kimi-k2.6", "image_url", "https://example.com/cat.png"));

        Assert.Equal(400, status);
        Assert.Contains("Invalid request: unsupported image url: https://example.com/cat.png", body);
    }

    [Fact(Timeout = 20_000)]
    public async Task The_default_reply_names_the_media_it_received()
    {
        await using var harness = await EmulatorHarness.CreateAsync(KimiProvider.Moonshot);

        var reply = await harness.CompleteAsync(Request("kimi-k2.6", "image_url", Png));

        Assert.Contains("[received: image image/png, 8 bytes]", reply.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
    }
}

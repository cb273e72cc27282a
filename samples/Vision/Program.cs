// Vision: ask Kimi K2.6 about an image and a video.
//   dotnet run --project samples/Vision [-- photo.jpg [clip.mp4]]
// Bundled: an 8×8 gradient PNG and a header-only MP4 placeholder (real providers may refuse to decode it: pass your own).
// With no API key it runs offline against the built-in emulator; set KIMI_PROVIDER (Moonshot, DeepInfra, Nvidia) and that
// provider's key variable to call the real service. On Moonshot the video is uploaded once and sent as ms://<id>.
using Kimi.Client;
using Kimi.Client.Testing;

var image = args.Length > 0 ? args[0] : Path.Combine(AppContext.BaseDirectory, "Assets", "gradient-8x8.png");
var video = args.Length > 1 ? args[1] : Path.Combine(AppContext.BaseDirectory, "Assets", "placeholder.mp4");

var provider = KimiProvider.FromName(Environment.GetEnvironmentVariable("KIMI_PROVIDER") ?? "Moonshot");
var options = new KimiClientOptions { Provider = provider, Thinking = ThinkingMode.Disabled };
if (Environment.GetEnvironmentVariable("KIMI_ENDPOINT") is { Length: > 0 } endpoint)
{
    options.Endpoint = new Uri(endpoint); // a self-hosted server, or a gateway in front of the host
}

await using var emulator = UseEmulator(options) ? new KimiEmulator(new KimiEmulatorOptions { Provider = provider }) : null;
using var client = emulator is null ? new KimiClient(options) : CreateEmulatedClient(emulator, options);

try
{
    // The image goes inline: the media type is sniffed from its first bytes, the base64 streamed into the request.
    var picture = ImagePart.FromFile(image);
    Console.WriteLine($"Image: {Path.GetFileName(image)} ({picture.MediaType}, {picture.Length} bytes)");
    var described = await client.CompleteAsync([KimiMessage.User(new TextPart("Describe this image in one sentence."), picture)]);
    Console.WriteLine(described.Text);

    // Video is documented only on Moonshot's own API; elsewhere it throws NotSupportedException unless opted in.
    var files = client.GetFilesClient();
    if (!files.IsSupported)
    {
        Console.Error.WriteLine($"Skipping the video: {provider} does not document video input for Kimi K2.6 (set KimiClientOptions.Media.AllowUnconfirmedVideo to try).");
        return 0;
    }

    var uploaded = await files.UploadAsync(video, KimiFilePurpose.Video);
    Console.WriteLine($"Video: {Path.GetFileName(video)} uploaded as {uploaded.Reference.OriginalString}");
    try
    {
        var summary = await client.CompleteAsync([KimiMessage.User(new TextPart("What happens in this video?"), VideoPart.FromFileId(uploaded.Id))]);
        Console.WriteLine(summary.Text);
    }
    finally
    {
        await files.DeleteAsync(uploaded.Id);
    }

    return 0;
}
catch (KimiException ex)
{
    Console.Error.WriteLine($"Kimi call failed: {ex.Message}");
    return 1;
}
catch (Exception ex) when (ex is NotSupportedException or ArgumentException or IOException)
{
    Console.Error.WriteLine(ex.Message);
    return 1;
}

static bool UseEmulator(KimiClientOptions options)
{
    if (IsLive(options.Provider))
    {
        return false;
    }

    Console.Error.WriteLine($"No {options.Provider.ApiKeyVariable ?? "KIMI_ENDPOINT"} set: answering offline from the built-in Kimi emulator ({options.Provider} dialect).");
    return true;
}

// Live when the host's key is in its environment variable (the profile names it), or an endpoint was given.
static bool IsLive(KimiProvider provider) =>
    Environment.GetEnvironmentVariable("KIMI_ENDPOINT") is { Length: > 0 } ||
    provider.ApiKeyVariable is { } variable && !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(variable));

static KimiClient CreateEmulatedClient(KimiEmulator emulator, KimiClientOptions options)
{
    options.Endpoint = emulator.BaseAddress;
    options.ApiKey = "emulator-key";
    return new KimiClient(new HttpClient(emulator.CreateHandler()), options);
}

using Kimi.Client.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Kimi.Client.Tests.Content;

[CollectionDefinition(nameof(AllocationMeasurements), DisableParallelization = true)]
public sealed class AllocationMeasurements;

/// <summary>A 20 MB video is base64-encoded straight into the request body: the process allocates well under twice its base64 size.</summary>
[Collection(nameof(AllocationMeasurements))]
public class MediaAllocationTests
{
    private const string Completion = """{"id":"c1","object":"chat.completion","model":"kimi-k2.6","choices":[{"index":0,"message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5}}""";

    [Theory(Timeout = 120_000)]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_20_MB_video_is_sent_allocating_less_than_twice_its_base64_size(bool fromFile)
    {
        var video = MediaTestKit.Payload([0, 0, 0, 0x18, (byte)'f', (byte)'t', (byte)'y', (byte)'p', (byte)'i', (byte)'s', (byte)'o', (byte)'m'], 20 * 1024 * 1024);
        var base64Size = (video.Length + 2) / 3 * 4L;
        long received = 0;

        // The server drains the body into one small buffer, so what is measured is the client's encoding.
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Limits.MaxRequestBodySize = null).UseUrls("http://127.0.0.1:0");
        await using var app = builder.Build();
        app.Run(async context =>
        {
            var buffer = new byte[64 * 1024];
            int read;
            while ((read = await context.Request.Body.ReadAsync(buffer, context.RequestAborted)) > 0)
            {
                received += read;
            }

            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(Completion, context.RequestAborted);
        });
        await app.StartAsync(TestContext.Current.CancellationToken);
        var path = fromFile ? MediaTestKit.TempFile(video, ".mp4") : null;
        try
        {
            using var client = TestClients.For(KimiProvider.Moonshot, app.Urls.First());
            var part = path is null ? VideoPart.FromBytes(video) : VideoPart.FromFile(path);
            var messages = new[] { KimiMessage.User(new TextPart("What happens?"), part) };
            await client.CompleteAsync([KimiMessage.User("warm up")], cancellationToken: TestContext.Current.CancellationToken);
            received = 0;

            var before = GC.GetTotalAllocatedBytes(precise: true);
            await client.CompleteAsync(messages, cancellationToken: TestContext.Current.CancellationToken);
            var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

            Assert.InRange(received, base64Size, base64Size + 1024);
            Assert.True(allocated < 2 * base64Size, $"Sending a {video.Length:N0}-byte video ({base64Size:N0} bytes of base64) allocated {allocated:N0} bytes.");
            TestContext.Current.SendDiagnosticMessage($"20 MB video from {(fromFile ? "a file" : "bytes")}: {allocated:N0} bytes allocated for {base64Size:N0} bytes of base64.");
        }
        finally
        {
            if (path is not null)
            {
                File.Delete(path);
            }
        }
    }
}

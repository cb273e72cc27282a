using System.IO.Pipelines;
using System.Net;
using Kimi.Client.Testing.Processing;

namespace Kimi.Client.Testing.Transport;

/// <summary>Serves the emulator in memory; streamed replies really stream, through a pipe, one event at a time.</summary>
internal sealed class InMemoryEmulatorHandler(KimiEmulator emulator) : HttpMessageHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        emulator.BeginServing();
        bool streaming = false;
        try
        {
            HttpResponseMessage message = await ServeAsync(request, cancellationToken).ConfigureAwait(false);
            streaming = message.Content is StreamContent;
            return message;
        }
        finally
        {
            if (!streaming)
            {
                emulator.EndServing(); // a stream is served until its pump ends
            }
        }
    }

    private async Task<HttpResponseMessage> ServeAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        byte[] body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (KeyValuePair<string, IEnumerable<string>> header in request.Headers)
        {
            headers[header.Key] = string.Join(", ", header.Value);
        }

        if (request.Content is not null)
        {
            foreach (KeyValuePair<string, IEnumerable<string>> header in request.Content.Headers)
            {
                headers[header.Key] = string.Join(", ", header.Value);
            }
        }

        string path = request.RequestUri is { IsAbsoluteUri: true } uri ? uri.AbsolutePath : request.RequestUri?.OriginalString ?? "/";
        EmulatorResponse response = emulator.Process(request.Method.Method, path, headers, body);
        if (response.Delay > TimeSpan.Zero)
        {
            await Task.Delay(response.Delay, cancellationToken).ConfigureAwait(false);
        }

        HttpContent content;
        if (response.Events is { } events)
        {
            var pipe = new Pipe();
            content = new StreamContent(pipe.Reader.AsStream());
            _ = PumpAsync(pipe.Writer, events, emulator.Options.ChunkDelay, emulator.DisposalToken).ContinueWith(
                static (_, state) => ((KimiEmulator)state!).EndServing(), emulator, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
        else
        {
            content = new ByteArrayContent(response.Body);
        }

        var message = new HttpResponseMessage((HttpStatusCode)response.StatusCode) { RequestMessage = request, Content = content };
        if (response.ContentType is not null)
        {
            content.Headers.TryAddWithoutValidation("Content-Type", response.ContentType);
        }

        foreach (KeyValuePair<string, string> header in response.Headers)
        {
            if (!message.Headers.TryAddWithoutValidation(header.Key, header.Value))
            {
                content.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }

        return message;
    }

    // A cut stream simply ends here (there is no connection to abort); the reader sees the end without [DONE].
    private static async Task PumpAsync(PipeWriter writer, IReadOnlyList<byte[]> events, TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            for (int i = 0; i < events.Count; i++)
            {
                if (i > 0 && delay > TimeSpan.Zero)
                {
                    await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                }

                FlushResult result = await writer.WriteAsync(events[i], cancellationToken).ConfigureAwait(false);
                if (result.IsCompleted)
                {
                    break; // The reader disposed the stream.
                }
            }

            await writer.CompleteAsync().ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await writer.CompleteAsync(new IOException("The Kimi emulator was disposed while streaming.")).ConfigureAwait(false);
        }
    }
}

using System.Buffers;
using System.Net.Http.Headers;
using System.Net.ServerSentEvents;

namespace Kimi.Client.Benchmarks.Floor;

/// <summary>
/// The hand-written floor: HttpClient + <see cref="SseParser"/> + <see cref="System.Text.Json.Utf8JsonReader"/>, no
/// abstractions, no validation, no per-chunk objects. What a client cannot beat, only approach.
/// </summary>
public sealed class FloorClient(HttpClient http, Uri endpoint, string apiKey, string model)
{
    private static readonly MediaTypeWithQualityHeaderValue EventStream = new("text/event-stream");

    private readonly Uri _uri = new(endpoint.AbsoluteUri.TrimEnd('/') + "/chat/completions");
    private readonly AuthenticationHeaderValue _authorization = new("Bearer", apiKey);

    public async Task<FloorResult> CompleteAsync(FloorMessage[] messages, CancellationToken cancellationToken = default)
    {
        using var request = CreateRequest(messages, stream: false);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var buffer = ArrayPool<byte>.Shared.Rent((int)(response.Content.Headers.ContentLength ?? 16 * 1024) + 1);
            try
            {
                var length = 0;
                int read;
                while ((read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false)) > 0)
                {
                    length += read;
                    if (length == buffer.Length)
                    {
                        var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                        buffer.AsSpan(0, length).CopyTo(larger);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = larger;
                    }
                }

                using var reader = new FloorResponseReader(whole: true);
                reader.ParseEvent(buffer.AsSpan(0, length));
                return reader.ToResult();
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    public async Task<FloorResult> StreamAsync(FloorMessage[] messages, CancellationToken cancellationToken = default)
    {
        using var request = CreateRequest(messages, stream: true);
        request.Headers.Accept.Add(EventStream);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            using var reader = new FloorResponseReader(whole: false);
            var parser = SseParser.Create(stream, (_, data) => reader.ParseEvent(data));
            await foreach (var item in parser.EnumerateAsync(cancellationToken).ConfigureAwait(false))
            {
                if (item.Data)
                {
                    break;
                }
            }

            return reader.ToResult();
        }
    }

    private HttpRequestMessage CreateRequest(FloorMessage[] messages, bool stream)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, _uri) { Content = new FloorRequestContent(model, messages, stream) };
        request.Headers.Authorization = _authorization;
        return request;
    }
}

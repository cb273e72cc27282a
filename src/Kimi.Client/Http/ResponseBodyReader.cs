using System.Buffers;

namespace Kimi.Client.Http;

/// <summary>
/// Reads a whole response body into a buffer rented from <see cref="ArrayPool{T}.Shared"/>: sized from Content-Length
/// when the server sends it, grown by doubling when it does not (or when it is wrong). Return the buffer when parsed.
/// Read failures surface as <see cref="HttpContent.ReadAsByteArrayAsync()"/> reports them (an <see cref="HttpRequestException"/>).
/// </summary>
internal static class ResponseBodyReader
{
    private const int DefaultSize = 16 * 1024;
    private const int MaxInitialSize = 1024 * 1024; // a Content-Length is a hint, not a reason to rent gigabytes up front

    public static async Task<(byte[] Buffer, int Length)> ReadAsync(HttpContent content, CancellationToken cancellationToken)
    {
        var expected = content.Headers.ContentLength;
        var size = expected is { } known ? (int)Math.Clamp(known + 1, 1, MaxInitialSize) : DefaultSize; // +1: EOF is seen without a grow
        var buffer = ArrayPool<byte>.Shared.Rent(size);
        var length = 0;
        try
        {
            var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                int read;
                while ((read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false)) > 0)
                {
                    length += read;
                    if (length == buffer.Length)
                    {
                        var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buffer.Length * 2, Array.MaxLength));
                        buffer.AsSpan(0, length).CopyTo(larger);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = larger;
                    }
                }
            }

            return (buffer, length);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw new HttpRequestException("Error while copying content to a stream.", ex); // as ReadAsByteArrayAsync reports it
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }
}

using System.Globalization;
using System.Net.Http.Headers;

namespace Kimi.Client.Http;

/// <summary>Reads how long a provider asks us to wait: <c>retry-after-ms</c>, <c>Retry-After</c> (seconds or HTTP date).</summary>
internal static class RetryAfter
{
    public static TimeSpan? FromHeaders(HttpResponseHeaders headers, DateTimeOffset now)
    {
        if (headers.TryGetValues("retry-after-ms", out var msValues) &&
            double.TryParse(msValues.FirstOrDefault(), NumberStyles.Float, CultureInfo.InvariantCulture, out var ms) &&
            ms >= 0 && ms < TimeSpan.MaxValue.TotalMilliseconds) // NaN, infinity and absurd values would throw OverflowException
        {
            return TimeSpan.FromMilliseconds(ms);
        }

        if (headers.RetryAfter is { } retryAfter)
        {
            if (retryAfter.Delta is { } delta)
            {
                return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
            }

            if (retryAfter.Date is { } date)
            {
                var wait = date - now;
                return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
            }
        }

        return null;
    }
}

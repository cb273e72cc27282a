namespace Kimi.Client.Http;

/// <summary>The connection pool a client builds for itself when it is not given an <see cref="HttpClient"/>.</summary>
internal static class KimiHttp
{
    public static HttpClient CreateOwnedHttpClient() =>
        new(new SocketsHttpHandler
        {
            // Pick up DNS changes on long-lived clients; keep idle sockets short so a burst of agents does not hoard them.
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
            AutomaticDecompression = System.Net.DecompressionMethods.All,
        })
        {
            // Timeouts are ours (response, first chunk, idle): HttpClient's 100 s would kill long thinking calls.
            Timeout = Timeout.InfiniteTimeSpan,
        };
}

namespace Kimi.Client.Orleans.Tests;

/// <summary>Waits for what the cluster does in the background (a release, a renewal) without assuming how long it takes.</summary>
internal static class RateLimitWait
{
    public static async Task UntilAsync(Func<Task<bool>> condition, CancellationToken cancellationToken)
    {
        while (!await condition())
        {
            await Task.Delay(20, cancellationToken);
        }
    }
}

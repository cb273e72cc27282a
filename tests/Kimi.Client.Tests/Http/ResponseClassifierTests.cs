using System.Net;
using Kimi.Client.Http;

namespace Kimi.Client.Tests.Http;

/// <summary>
/// The retry-after cap is inclusive: a host that asks for exactly MaxRetryAfter is waited for and retried; one that asks for
/// longer is not retried here (or, on a host that waits up to the cap, is retried after the cap).
/// </summary>
public class ResponseClassifierTests
{
    private static readonly KimiResilienceOptions Options = new() { MaxRetryAfter = TimeSpan.FromSeconds(30) };

    [Theory]
    [InlineData(29.999, "Retryable")]
    [InlineData(30, "Retryable")]
    [InlineData(30.001, "WaitTooLong")]
    public void A_wait_up_to_and_including_the_cap_is_retried(double seconds, string verdict)
    {
        var (actual, retryAfter) = ResponseClassifier.Classify(
            KimiProvider.Moonshot, HttpStatusCode.TooManyRequests, new KimiProviderError("busy"), TimeSpan.FromSeconds(seconds), Options);

        Assert.Equal(Enum.Parse<ErrorVerdict>(verdict), actual);
        Assert.Equal(TimeSpan.FromSeconds(seconds), retryAfter);
    }

    [Fact]
    public void A_host_that_waits_up_to_the_cap_retries_after_the_cap_when_asked_for_longer()
    {
        var (verdict, retryAfter) = ResponseClassifier.Classify(
            KimiProvider.OpenRouter, HttpStatusCode.TooManyRequests, new KimiProviderError("busy"), TimeSpan.FromSeconds(90), Options);

        Assert.Equal(ErrorVerdict.Retryable, verdict);
        Assert.Equal(Options.MaxRetryAfter, retryAfter);
    }
}

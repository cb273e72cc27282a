
namespace Kimi.Client.Tests.Errors;

/// <summary>Unit tests of Moonshot's "please try again after N seconds" hint (used when no header gives a wait).</summary>
public class MoonshotRetryHintTests
{
    // Run off the test thread so the timeout also guards against a regex that backtracks forever.
    private static Task<TimeSpan?> HintAsync(string message, CancellationToken cancellationToken) =>
        Task.Run(() => KimiProvider.Moonshot.ReadRetryHint(message), cancellationToken);

    [Theory(Timeout = 10_000)]
    [InlineData("Your account org-0f3a request reached max request: 3, please try again after 1 seconds", 1)]
    [InlineData("… reached max request: 3, please try again after 20 seconds.", 20)]
    [InlineData("please try again after 1 second", 1)]
    [InlineData("please try again after 5 secs", 5)]
    [InlineData("please try again after 5 sec", 5)]
    [InlineData("please try again after 2s", 2)]
    [InlineData("Please Try Again After 3 Seconds", 3)]
    [InlineData("please try again after 1.5 seconds", 1.5)]
    public async Task The_hint_is_read_in_seconds(string message, double seconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(seconds), await HintAsync(message, TestContext.Current.CancellationToken));
    }

    [Theory(Timeout = 10_000)]
    [InlineData("The engine is currently overloaded, please try again later")]
    [InlineData("Your account request reached project TPM rate limit, current: 1410, limit: 100")]
    [InlineData("please try again after 2 minutes")]
    [InlineData("please try again after 5 sessions")]
    [InlineData("")]
    public async Task Messages_without_a_wait_in_seconds_give_no_hint(string message)
    {
        Assert.Null(await HintAsync(message, TestContext.Current.CancellationToken));
    }

    [Fact(Timeout = 10_000)]
    public async Task An_absurdly_large_hint_is_ignored_rather_than_thrown()
    {
        Assert.Null(await HintAsync("please try again after 99999999999999999999 seconds", TestContext.Current.CancellationToken));
    }

    [Fact(Timeout = 10_000)]
    public async Task A_long_hostile_message_is_read_quickly()
    {
        var message = string.Concat(Enumerable.Repeat("try again after 1", 20_000)) + " minutes";
        Assert.Null(await HintAsync(message, TestContext.Current.CancellationToken));
    }

    [Theory(Timeout = 10_000)]
    [InlineData("DeepInfra")]
    [InlineData("Nvidia")]
    [InlineData("Vllm")]
    public async Task Only_Moonshot_reads_a_hint_from_the_message(string providerName)
    {
        var provider = KimiProvider.FromName(providerName);
        var hint = await Task.Run(() => provider.ReadRetryHint("please try again after 5 seconds"), TestContext.Current.CancellationToken);
        Assert.Null(hint);
    }
}

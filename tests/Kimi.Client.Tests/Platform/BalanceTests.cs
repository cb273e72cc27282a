using Kimi.Client.Tests.Infrastructure;

namespace Kimi.Client.Tests.Platform;

/// <summary>Conformance 48c and 48f: Moonshot's balance, exact as decimal, in the region's currency; refused before sending elsewhere.</summary>
public class BalanceTests
{
    private const string Documented = """{"code":0,"data":{"available_balance":49.58894,"voucher_balance":46.58893,"cash_balance":3.00001},"scode":"0x0","status":true}""";

    [Fact(Timeout = 10_000)]
    public async Task The_documented_balance_is_read_digit_for_digit()
    {
        using var server = PlatformServer.Start("/v1/users/me/balance", "GET", Documented);
        using var client = server.Client(KimiProvider.Moonshot);

        var balance = await client.GetPlatformClient().GetBalanceAsync(TestContext.Current.CancellationToken);

        Assert.Equal("GET", server.Single.RequestMessage.Method);
        Assert.Equal($"Bearer {TestClients.ApiKey}", server.Single.RequestMessage.Headers!["Authorization"].Single());
        Assert.Equal(49.58894m, balance.Available);
        Assert.Equal(46.58893m, balance.Voucher);
        Assert.Equal(3.00001m, balance.Cash);
        Assert.Equal("USD", balance.Currency);
    }

    [Fact(Timeout = 10_000)]
    public async Task Negative_cash_is_money_owed_not_an_error()
    {
        using var server = PlatformServer.Start("/v1/users/me/balance", "GET",
            """{"code":0,"data":{"available_balance":46.58893,"voucher_balance":46.58893,"cash_balance":-2.5},"scode":"0x0","status":true}""");
        using var client = server.Client(KimiProvider.Moonshot);

        var balance = await client.GetPlatformClient().GetBalanceAsync(TestContext.Current.CancellationToken);

        Assert.Equal(-2.5m, balance.Cash);
        Assert.Equal(46.58893m, balance.Available);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_failed_code_is_an_api_error_carrying_code_and_scode()
    {
        using var server = PlatformServer.Start("/v1/users/me/balance", "GET", """{"code":1,"data":null,"scode":"0x1f","status":false,"message":"user not found"}""");
        using var client = server.Client(KimiProvider.Moonshot);

        var error = await Assert.ThrowsAsync<KimiApiException>(() => client.GetPlatformClient().GetBalanceAsync(TestContext.Current.CancellationToken));

        Assert.Equal("1", error.Error.Code);
        Assert.Equal("0x1f", error.Error.Details!["scode"]);
        Assert.Contains("user not found", error.Message);
    }

    [Fact(Timeout = 10_000)]
    public async Task The_China_region_reports_CNY()
    {
        using var server = PlatformServer.Start("/v1/users/me/balance", "GET", Documented);
        using var client = server.Client(KimiProvider.MoonshotChina);

        var balance = await client.GetPlatformClient().GetBalanceAsync(TestContext.Current.CancellationToken);

        Assert.Equal("CNY", balance.Currency);
        Assert.Equal(49.58894m, balance.Available);
    }

    [Theory(Timeout = 10_000)]
    [InlineData("Vllm")]
    [InlineData("SGLang")]
    [InlineData("DeepInfra")]
    [InlineData("Nvidia")]
    [InlineData("Ollama")]
    [InlineData("CloudflareWorkersAI")]
    public async Task Hosts_without_a_balance_refuse_before_sending_naming_the_call_and_profile(string name)
    {
        var provider = KimiProvider.FromName(name);
        using var server = PlatformServer.Start("/never", "GET", "{}");
        using var client = server.Client(provider, o => o.AccountId(provider));

        var error = await Assert.ThrowsAsync<NotSupportedException>(() => client.GetPlatformClient().GetBalanceAsync(TestContext.Current.CancellationToken));

        Assert.Equal(0, server.RequestCount);
        Assert.Contains("GetBalanceAsync", error.Message);
        Assert.Contains($"the {provider.Name} profile", error.Message);
        Assert.Contains("KimiProvider.Moonshot", error.Message);
    }
}

internal static class CloudflareTestOptions
{
    /// <summary>Cloudflare's endpoint is account-scoped: the tests give it an account id (the endpoint itself is the test server).</summary>
    public static void AccountId(this KimiClientOptions options, KimiProvider provider)
    {
        if (provider.Name == "CloudflareWorkersAI")
        {
            options.Provider = provider with { AccountId = "acct-test" };
        }
    }
}

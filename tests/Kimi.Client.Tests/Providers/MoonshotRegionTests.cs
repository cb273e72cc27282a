using System.Net;
using System.Text;

namespace Kimi.Client.Tests.Providers;

/// <summary>Moonshot's two regions: the host picks the base URL, keys do not carry over, and the 401 says so (conformance 41).</summary>
public class MoonshotRegionTests
{
    private const string Completion =
        """{"id":"c1","object":"chat.completion","model":"kimi-k2.6","choices":[{"index":0,"message":{"role":"assistant","content":"Hi.","reasoning_content":"Greet."},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":3,"total_tokens":8}}""";

    private const string InvalidAuthentication = """{"error":{"message":"Invalid Authentication","type":"invalid_authentication_error"}}""";

    [Theory(Timeout = 10_000)]
    [InlineData("Moonshot", "https://api.moonshot.ai/v1/chat/completions")]
    [InlineData("MoonshotChina", "https://api.moonshot.cn/v1/chat/completions")]
    public async Task The_region_selects_the_host_and_the_model_id_stays_the_same(string providerName, string url)
    {
        var handler = new Recorder(HttpStatusCode.OK, Completion);
        using var client = new KimiClient(new HttpClient(handler), new KimiClientOptions { Provider = KimiProvider.FromName(providerName), ApiKey = "sk-test-region" });

        await client.CompleteAsync("Hi", cancellationToken: TestContext.Current.CancellationToken);

        var request = Assert.Single(handler.Requests);
        Assert.Equal(url, request.Url);
        Assert.Contains("\"model\":\"kimi-k2.6\"", request.Body);
        Assert.Equal("CNY", KimiProvider.MoonshotChina.Currency);
        Assert.Equal("USD", KimiProvider.Moonshot.Currency);
    }

    [Theory]
    [InlineData("MoonshotChina", "https://api.moonshot.ai/v1")]
    [InlineData("Moonshot", "https://api.moonshot.cn/v1")]
    public void An_endpoint_of_the_other_region_is_refused_when_the_client_is_built(string providerName, string endpoint)
    {
        var error = Assert.ThrowsAny<ArgumentException>(() => new KimiClient(new KimiClientOptions
        {
            Provider = KimiProvider.FromName(providerName),
            Endpoint = new Uri(endpoint),
            ApiKey = "sk-test-region",
        }));

        Assert.Contains($"Kimi:Endpoint is on {new Uri(endpoint).Host}, which belongs to another region", error.Message);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_401_on_the_international_host_names_the_China_platform_without_the_key()
    {
        var handler = new Recorder(HttpStatusCode.Unauthorized, InvalidAuthentication);
        using var client = new KimiClient(new HttpClient(handler), new KimiClientOptions { Provider = KimiProvider.Moonshot, ApiKey = "sk-SECRET123" });

        var ex = await Assert.ThrowsAsync<KimiAuthenticationException>(() => client.CompleteAsync("Hi", cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(HttpStatusCode.Unauthorized, ex.Status);
        Assert.Equal("invalid_authentication_error", ex.Error.Type);
        Assert.Contains("The request went to api.moonshot.ai, the international platform (platform.kimi.ai)", ex.Message);
        Assert.Contains("must be used with KimiProvider.MoonshotChina (api.moonshot.cn)", ex.Message);
        Assert.DoesNotContain("SECRET123", ex.ToString());
        Assert.Single(handler.Requests); // never retried, never sent to the other region
    }

    [Fact(Timeout = 10_000)]
    public async Task A_401_on_the_China_host_names_the_international_platform()
    {
        var handler = new Recorder(HttpStatusCode.Unauthorized, InvalidAuthentication);
        using var client = new KimiClient(new HttpClient(handler), new KimiClientOptions { Provider = KimiProvider.MoonshotChina, ApiKey = "sk-SECRET123" });

        var ex = await Assert.ThrowsAsync<KimiAuthenticationException>(() => client.CompleteAsync("Hi", cancellationToken: TestContext.Current.CancellationToken));

        Assert.Contains("The request went to api.moonshot.cn, the China platform (platform.kimi.com)", ex.Message);
        Assert.Contains("must be used with KimiProvider.Moonshot (api.moonshot.ai)", ex.Message);
        Assert.Equal("https://api.moonshot.cn/v1/chat/completions", Assert.Single(handler.Requests).Url);
    }

    [Theory(Timeout = 10_000)]
    [InlineData("DeepInfra")]
    [InlineData("Nvidia")]
    public async Task Other_hosts_401_carries_no_region_text(string providerName)
    {
        var handler = new Recorder(HttpStatusCode.Unauthorized, InvalidAuthentication);
        using var client = new KimiClient(new HttpClient(handler), new KimiClientOptions { Provider = KimiProvider.FromName(providerName), ApiKey = "sk-test-region" });

        var ex = await Assert.ThrowsAsync<KimiAuthenticationException>(() => client.CompleteAsync("Hi", cancellationToken: TestContext.Current.CancellationToken));

        Assert.DoesNotContain("region", ex.Message, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("moonshot", ex.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_404_on_the_China_host_is_model_not_found_without_a_region_hint()
    {
        var handler = new Recorder(HttpStatusCode.NotFound, """{"error":{"message":"Not found the model kimi-k2.6 or Permission denied","type":"resource_not_found_error"}}""");
        using var client = new KimiClient(new HttpClient(handler), new KimiClientOptions { Provider = KimiProvider.MoonshotChina, ApiKey = "sk-test-region" });

        var ex = await Assert.ThrowsAsync<KimiModelNotFoundException>(() => client.CompleteAsync("Hi", cancellationToken: TestContext.Current.CancellationToken));

        Assert.DoesNotContain("platform.kimi", ex.Message);
    }

    [Theory(Timeout = 10_000)]
    [InlineData(HttpStatusCode.OK, "The same key is accepted by api.moonshot.cn: switch to the host of that region.")]
    [InlineData(HttpStatusCode.Unauthorized, "The key is not accepted by either region.")]
    public async Task With_the_opt_in_one_models_call_to_the_other_region_says_where_the_key_works(HttpStatusCode otherRegion, string sentence)
    {
        var handler = new Recorder(HttpStatusCode.Unauthorized, InvalidAuthentication) { Other = otherRegion };
        using var client = new KimiClient(new HttpClient(handler), new KimiClientOptions { Provider = KimiProvider.Moonshot, ApiKey = "sk-test-region", ProbeOtherRegionOn401 = true });

        var ex = await Assert.ThrowsAsync<KimiAuthenticationException>(() => client.CompleteAsync("Hi", cancellationToken: TestContext.Current.CancellationToken));

        Assert.EndsWith(sentence, ex.Message);
        Assert.Equal(["POST https://api.moonshot.ai/v1/chat/completions", "GET https://api.moonshot.cn/v1/models"], handler.Requests.Select(r => r.Url));
    }

    [Fact(Timeout = 10_000)]
    public async Task Without_the_opt_in_no_request_goes_to_the_other_region()
    {
        var handler = new Recorder(HttpStatusCode.Unauthorized, InvalidAuthentication) { Other = HttpStatusCode.OK };
        using var client = new KimiClient(new HttpClient(handler), new KimiClientOptions { Provider = KimiProvider.Moonshot, ApiKey = "sk-test-region" });

        await Assert.ThrowsAsync<KimiAuthenticationException>(() => client.CompleteAsync("Hi", cancellationToken: TestContext.Current.CancellationToken));

        Assert.Single(handler.Requests);
    }

    private sealed class Recorder(HttpStatusCode status, string body) : HttpMessageHandler
    {
        public List<(string Url, string Body)> Requests { get; } = [];

        /// <summary>What a GET to the other region's /models answers, when the test probes it.</summary>
        public HttpStatusCode? Other { get; init; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var content = request.Content is null ? string.Empty : await request.Content.ReadAsStringAsync(cancellationToken);
            var probing = request.Method == HttpMethod.Get;
            lock (Requests)
            {
                Requests.Add((probing ? $"GET {request.RequestUri}" : Other is null ? request.RequestUri!.ToString() : $"POST {request.RequestUri}", content));
            }

            return probing
                ? new HttpResponseMessage(Other ?? HttpStatusCode.NotFound) { Content = new StringContent("""{"object":"list","data":[]}""", Encoding.UTF8, "application/json") }
                : new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        }
    }
}

using Kimi.Client.Tests.Infrastructure;

namespace Kimi.Client.Tests.Platform;

/// <summary>Conformance 48a: <c>GET {base}/models</c>, capability fields read when present and null (unknown) when not.</summary>
public class ModelListTests
{
    private const string MoonshotList =
        """{"object":"list","data":[{"id":"kimi-k2.6","object":"model","created":1776700000,"owned_by":"moonshot","context_length":262144,"supports_image_in":true,"supports_video_in":true,"supports_reasoning":true}]}""";

    [Fact(Timeout = 10_000)]
    public async Task Moonshot_lists_with_a_bearer_get_and_every_capability_field_is_read()
    {
        using var server = PlatformServer.Start("/v1/models", "GET", MoonshotList);
        using var client = server.Client(KimiProvider.Moonshot);

        var models = await client.GetPlatformClient().GetModelsAsync(TestContext.Current.CancellationToken);

        var request = server.Single.RequestMessage;
        Assert.Equal("GET", request.Method);
        Assert.Equal("/v1/models", request.Path);
        Assert.Equal($"Bearer {TestClients.ApiKey}", request.Headers!["Authorization"].Single());
        Assert.True(string.IsNullOrEmpty(request.Body));
        var model = Assert.Single(models);
        Assert.Equal("kimi-k2.6", model.Id);
        Assert.Equal("moonshot", model.OwnedBy);
        Assert.Equal(262144, model.ContextLength);
        Assert.True(model.SupportsImageInput);
        Assert.True(model.SupportsVideoInput);
        Assert.True(model.SupportsReasoning);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1776700000), model.Created);
    }

    [Fact(Timeout = 10_000)]
    public async Task Missing_capability_fields_are_null_never_false()
    {
        using var server = PlatformServer.Start("/v1/models", "GET", """{"object":"list","data":[{"id":"kimi-k2.6","object":"model","owned_by":"moonshot"}]}""");
        using var client = server.Client(KimiProvider.Moonshot);

        var model = Assert.Single(await client.GetPlatformClient().GetModelsAsync(TestContext.Current.CancellationToken));

        Assert.Null(model.ContextLength);
        Assert.Null(model.SupportsImageInput);
        Assert.Null(model.SupportsVideoInput);
        Assert.Null(model.SupportsReasoning);
    }

    [Fact(Timeout = 10_000)]
    public async Task Vllm_max_model_len_is_the_context_length_and_the_flags_stay_unknown()
    {
        using var server = PlatformServer.Start("/v1/models", "GET",
            """{"object":"list","data":[{"id":"moonshotai/Kimi-K2.6","object":"model","created":1,"owned_by":"vllm","root":"/models/Kimi-K2.6","parent":null,"max_model_len":262144,"permission":[]}]}""");
        using var client = server.Client(KimiProvider.Vllm);

        var model = Assert.Single(await client.GetPlatformClient().GetModelsAsync(TestContext.Current.CancellationToken));

        Assert.Equal("moonshotai/Kimi-K2.6", model.Id);
        Assert.Equal(262144, model.ContextLength);
        Assert.Null(model.SupportsImageInput);
        Assert.Null(model.SupportsVideoInput);
        Assert.Null(model.SupportsReasoning);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_404_where_the_list_is_unconfirmed_is_a_feature_unavailable_error_naming_call_and_host()
    {
        using var server = PlatformServer.Start("/v1/openai/models", "GET", """{"detail":"Not Found"}""", status: 404);
        using var client = server.Client(KimiProvider.DeepInfra);

        var error = await Assert.ThrowsAsync<KimiFeatureUnavailableException>(() => client.GetPlatformClient().GetModelsAsync(TestContext.Current.CancellationToken));

        Assert.Equal(1, server.RequestCount); // attempted once, not retried
        Assert.Equal("GetModelsAsync", error.Feature);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, error.Status);
        Assert.Contains("GetModelsAsync", error.Message);
        Assert.Contains("DeepInfra", error.Message);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_bad_key_on_the_list_is_the_same_authentication_error_as_chat_and_never_shows_the_key()
    {
        using var server = PlatformServer.Start("/v1/models", "GET",
            $$$"""{"error":{"message":"Invalid Authentication {{{TestClients.ApiKey}}}","type":"invalid_authentication_error"}}""", status: 401);
        using var client = server.Client(KimiProvider.Moonshot);

        var error = await Assert.ThrowsAsync<KimiAuthenticationException>(() => client.GetPlatformClient().GetModelsAsync(TestContext.Current.CancellationToken));

        Assert.Contains("Invalid Authentication", error.Message);
        Assert.DoesNotContain(TestClients.ApiKey, error.Message);
        Assert.DoesNotContain(TestClients.ApiKey, error.ToString());
        Assert.DoesNotContain(TestClients.ApiKey, error.Error.Message);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_503_is_retried_like_chat_and_the_attempts_are_recorded()
    {
        using var server = PlatformServer.Start("/v1/models", "GET", """{"error":{"message":"overloaded","type":"server_error"}}""", status: 503);
        using var client = server.Client(KimiProvider.Moonshot, o =>
        {
            o.Resilience.MaxAttempts = 2;
            o.Resilience.BaseDelay = TimeSpan.FromMilliseconds(10);
        });

        var error = await Assert.ThrowsAsync<KimiServerException>(() => client.GetPlatformClient().GetModelsAsync(TestContext.Current.CancellationToken));

        Assert.Equal(2, server.RequestCount);
        Assert.Equal(2, error.Attempts.Count);
        Assert.Equal(KimiAttemptOutcome.Retried, error.Attempts[0].Outcome);
    }
}

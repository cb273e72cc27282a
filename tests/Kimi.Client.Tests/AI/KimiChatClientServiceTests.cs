using Kimi.Client.AI;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace Kimi.Client.Tests.AI;

/// <summary>GetService, metadata and dependency injection.</summary>
public class KimiChatClientServiceTests
{
    private static KimiClientOptions Options(KimiProvider? provider = null) => new() { Provider = provider ?? KimiProvider.Moonshot, ApiKey = "sk-test" };

    [Fact]
    public void Metadata_names_the_provider_endpoint_and_model()
    {
        using var client = new KimiClient(Options());
        using var chat = client.AsIChatClient();

        var metadata = chat.GetService<ChatClientMetadata>()!;

        Assert.Equal("moonshot", metadata.ProviderName);
        Assert.Equal(client.Endpoint, metadata.ProviderUri);
        Assert.Equal("kimi-k2.6", metadata.DefaultModelId);
    }

    [Theory]
    [InlineData("DeepInfra", "deepinfra")]
    [InlineData("Nvidia", "nvidia")]
    public void Metadata_uses_the_providers_dialect_name(string providerName, string name)
    {
        var provider = KimiProvider.FromName(providerName);
        using var client = new KimiClient(Options(provider));

        Assert.Equal(name, client.AsIChatClient().GetService<ChatClientMetadata>()!.ProviderName);
    }

    [Fact]
    public void The_underlying_KimiClient_and_the_chat_client_itself_are_services()
    {
        using var client = new KimiClient(Options());
        using var chat = client.AsIChatClient();

        Assert.Same(client, chat.GetService<KimiClient>());
        Assert.Same(chat, chat.GetService<KimiChatClient>());
        Assert.Same(chat, chat.GetService<IChatClient>());
        Assert.Null(chat.GetService<KimiClient>("key"));
        Assert.Null(chat.GetService<HttpClient>());
    }

    [Fact]
    public void Disposing_the_chat_client_leaves_the_KimiClient_usable()
    {
        using var client = new KimiClient(Options());

        client.AsIChatClient().Dispose();

        Assert.Equal("kimi-k2.6", client.Model);
    }

    [Fact]
    public void A_registered_KimiClient_is_resolved_as_an_IChatClient()
    {
        var services = new ServiceCollection();
        services.AddKimiClient(o => { o.Provider = KimiProvider.Moonshot; o.ApiKey = "sk-test"; });
        services.AddKimiChatClient();
        using var provider = services.BuildServiceProvider();

        var chat = provider.GetRequiredService<IChatClient>();

        Assert.IsType<KimiChatClient>(chat);
        Assert.Same(chat, provider.GetRequiredService<IChatClient>());
        Assert.Equal("moonshot", chat.GetService<ChatClientMetadata>()!.ProviderName);
    }

    [Fact]
    public void A_keyed_KimiClient_is_resolved_as_a_keyed_IChatClient()
    {
        var services = new ServiceCollection();
        services.AddKeyedSingleton("nvidia", (_, _) => new KimiClient(Options(KimiProvider.Nvidia)));
        services.AddKeyedKimiChatClient("nvidia");
        using var provider = services.BuildServiceProvider();

        var chat = provider.GetRequiredKeyedService<IChatClient>("nvidia");

        Assert.Equal("nvidia", chat.GetService<ChatClientMetadata>()!.ProviderName);
        Assert.Null(provider.GetService<IChatClient>());
    }

    [Fact]
    public void Middleware_composes_over_a_registered_KimiClient_with_MEAIs_AddChatClient()
    {
        var services = new ServiceCollection();
        services.AddKimiClient(o => { o.Provider = KimiProvider.Moonshot; o.ApiKey = "sk-test"; });
        services.AddChatClient(sp => sp.GetRequiredService<KimiClient>().AsIChatClient()).UseFunctionInvocation();
        using var provider = services.BuildServiceProvider();

        var chat = provider.GetRequiredService<IChatClient>();

        Assert.NotNull(chat.GetService<FunctionInvokingChatClient>());
        Assert.NotNull(chat.GetService<KimiChatClient>());
    }
}

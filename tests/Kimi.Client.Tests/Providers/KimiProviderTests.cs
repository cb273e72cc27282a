namespace Kimi.Client.Tests.Providers;

/// <summary>The open provider model: built-in hosts are profile instances, found by name, derived with <c>with</c> (conformance 42).</summary>
public class KimiProviderTests
{
    [Fact]
    public void Every_built_in_host_is_a_sound_profile_with_a_distinct_name()
    {
        Assert.Equal(["Moonshot", "MoonshotChina", "DeepInfra", "Nvidia", "Vllm", "SGLang", "KTransformers", "Ollama", "OllamaCloud", "CloudflareWorkersAI", "OpenRouter"], KimiProvider.BuiltIn.Select(p => p.Name));
        Assert.Equal(KimiProvider.BuiltIn.Count, KimiProvider.BuiltIn.Select(p => p.Name.ToUpperInvariant()).Distinct().Count());
        foreach (var provider in KimiProvider.BuiltIn)
        {
            Assert.Empty(provider.Validate());
            Assert.Equal(262_144, provider.ContextWindow);
            Assert.NotEmpty(provider.ContextLengthMarkers);
        }
    }

    [Theory]
    [InlineData("deepinfra")]
    [InlineData("DEEPINFRA")]
    [InlineData(" DeepInfra ")]
    public void Names_compare_case_insensitively(string name)
    {
        Assert.Same(KimiProvider.DeepInfra, KimiProvider.FromName(name));
        Assert.True(KimiProvider.TryGetBuiltIn(name, out var found));
        Assert.Same(KimiProvider.DeepInfra, found);
    }

    /// <summary>A lookup by name builds only the host it finds (each is built on first use), so each host's Name must be the one it is listed under.</summary>
    [Fact]
    public void Every_built_in_host_is_found_by_its_own_name_as_the_same_instance()
    {
        foreach (var provider in KimiProvider.BuiltIn)
        {
            Assert.True(KimiProvider.TryGetBuiltIn(provider.Name, out var found), provider.Name);
            Assert.Same(provider, found);
        }

        Assert.Equal(KimiProvider.BuiltIn.Count, KimiProvider.BuiltIn.Select(p => p.Name).Distinct(StringComparer.OrdinalIgnoreCase).Count());
    }

    [Fact]
    public void An_unknown_name_lists_every_known_host_and_how_to_describe_one()
    {
        var error = Assert.Throws<ArgumentException>(() => KimiProvider.FromName("OpenRuter"));

        Assert.Contains("Unknown Kimi provider 'OpenRuter'", error.Message);
        Assert.Contains("Moonshot, MoonshotChina, DeepInfra, Nvidia, Vllm, SGLang", error.Message);
        Assert.Contains("Kimi:Hosts", error.Message);
    }

    [Fact]
    public void A_derived_host_keeps_everything_it_does_not_override()
    {
        var acme = KimiProvider.Vllm with { Name = "Acme", Endpoint = new Uri("https://llm.acme.test/v1"), ReasoningWriteFields = ["reasoning_content"] };

        Assert.Equal("Acme", acme.Name);
        Assert.Equal("vllm", acme.Dialect);
        Assert.Equal(KimiProvider.Vllm.ThinkingSwitch, acme.ThinkingSwitch);
        Assert.Equal(["reasoning_content"], acme.ReasoningWriteFields);
        Assert.Equal(["reasoning", "reasoning_content"], KimiProvider.Vllm.ReasoningWriteFields);
        Assert.NotEqual(KimiProvider.Vllm, acme);
        Assert.Equal("Acme", acme.ToString());
    }

    [Fact]
    public void The_type_converter_turns_a_built_in_name_into_its_profile_for_the_reflection_binder()
    {
        var converter = System.ComponentModel.TypeDescriptor.GetConverter(typeof(KimiProvider));

        Assert.Same(KimiProvider.Nvidia, converter.ConvertFromInvariantString("nvidia"));
        Assert.Equal("SGLang", converter.ConvertToInvariantString(KimiProvider.SGLang));
        Assert.Throws<ArgumentException>(() => converter.ConvertFromInvariantString("nope"));
    }

    [Fact]
    public void The_Moonshot_retry_hint_is_profile_data_and_other_hosts_read_none()
    {
        Assert.Equal(TimeSpan.FromSeconds(3), KimiProvider.Moonshot.ReadRetryHint("reached max request: 3, please try again after 3 seconds"));
        Assert.Equal(TimeSpan.FromSeconds(3), KimiProvider.MoonshotChina.ReadRetryHint("please try again after 3 seconds"));
        Assert.Null(KimiProvider.Nvidia.ReadRetryHint("please try again after 3 seconds"));
        var custom = KimiProvider.Vllm with { RetryHintPattern = @"retry in (\d+)s" };
        Assert.Equal(TimeSpan.FromSeconds(12), custom.ReadRetryHint("busy, retry in 12s"));
    }

    [Theory]
    [InlineData("""[1]""")]
    [InlineData("""{"thinking":""")]
    public void A_thinking_switch_form_must_be_a_json_object(string json)
    {
        var error = Assert.Throws<ArgumentException>(() => new KimiThinkingSwitch("Custom", json, "{}", null));
        Assert.Contains("enabled", error.Message);
    }

    [Fact]
    public void A_host_without_a_preserve_form_refuses_preserved_thinking_before_sending()
    {
        using var client = new KimiClient(new HttpClient(new ThrowingHandler()), new KimiClientOptions { Provider = KimiProvider.DeepInfra, ApiKey = "test-key", AllowUnconfirmedPreserveThinking = true });

        var error = Assert.Throws<NotSupportedException>(() => client.StreamAsync("Hi", new ChatCompletionOptions { Thinking = ThinkingMode.Preserved }, TestContext.Current.CancellationToken));

        Assert.Contains("thinking switch (ReasoningEffort) has no preserve form", error.Message);
    }

    [Fact]
    public void A_rate_tier_must_be_one_of_the_hosts_tiers()
    {
        var problems = new KimiClientOptions { Provider = KimiProvider.Nvidia, ApiKey = "test-key", RateLimit = { Tier = "Tier5" } }.Validate();

        Assert.Contains(problems, p => p.Contains("'Tier5' is not a tier of NVIDIA; use one of Free"));
        Assert.Empty(new KimiClientOptions { Provider = KimiProvider.Nvidia, ApiKey = "test-key", RateLimit = { Tier = "free" } }.Validate());
    }

    private sealed class ThrowingHandler : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("Nothing may be sent.");
    }
}

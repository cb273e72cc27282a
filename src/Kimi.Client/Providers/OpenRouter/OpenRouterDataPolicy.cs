namespace Kimi.Client;

/// <summary>Whether OpenRouter may route to upstreams that store or train on prompts (<c>provider.data_collection</c>).</summary>
public enum OpenRouterDataPolicy
{
    /// <summary><c>allow</c>: any upstream (OpenRouter's default).</summary>
    Allow = 0,

    /// <summary><c>deny</c>: only upstreams that do not store data.</summary>
    Deny = 1,
}

namespace Kimi.Client;

/// <summary>How OpenRouter orders the upstreams it may use (<c>provider.sort</c>); any sort turns off its load balancing.</summary>
public enum OpenRouterSort
{
    /// <summary><c>price</c>: cheapest first.</summary>
    Price = 0,

    /// <summary><c>throughput</c>: fastest generation first.</summary>
    Throughput = 1,

    /// <summary><c>latency</c>: quickest first token first.</summary>
    Latency = 2,

    /// <summary><c>exacto</c>: upstreams with better tool-calling signals first (whether it applies to Kimi K2.6 is unconfirmed).</summary>
    Exacto = 3,
}

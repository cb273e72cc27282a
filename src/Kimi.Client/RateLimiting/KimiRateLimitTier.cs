namespace Kimi.Client;

/// <summary>Known account tiers, as presets for <see cref="KimiRateLimitOptions"/>.</summary>
public enum KimiRateLimitTier
{
    /// <summary>No preset: only the explicit limits apply.</summary>
    None = 0,

    /// <summary>NVIDIA's free tier: about 40 requests per minute.</summary>
    NvidiaFree,

    /// <summary>Moonshot Tier0: 1 concurrent request, 3 requests and 500,000 tokens per minute.</summary>
    MoonshotTier0,

    /// <summary>Moonshot Tier1: 50 concurrent requests, 200 requests and 2,000,000 tokens per minute (unverified: only Tier0 and Tier5 are in the spec; set explicit limits if yours differ).</summary>
    MoonshotTier1,

    /// <summary>Moonshot Tier2: 100 concurrent requests, 500 requests and 3,000,000 tokens per minute (unverified).</summary>
    MoonshotTier2,

    /// <summary>Moonshot Tier3: 200 concurrent requests, 5,000 requests and 3,000,000 tokens per minute (unverified).</summary>
    MoonshotTier3,

    /// <summary>Moonshot Tier4: 400 concurrent requests, 5,000 requests and 4,000,000 tokens per minute (unverified).</summary>
    MoonshotTier4,

    /// <summary>Moonshot Tier5: 1,000 concurrent requests, 10,000 requests and 5,000,000 tokens per minute.</summary>
    MoonshotTier5,
}

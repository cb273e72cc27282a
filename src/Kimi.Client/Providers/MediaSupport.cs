namespace Kimi.Client.Providers;

/// <summary>Whether a provider takes a kind of media part for Kimi K2.6, per the spec.</summary>
internal enum MediaSupport
{
    /// <summary>Documented and sent.</summary>
    Supported,

    /// <summary>The sources disagree or say nothing: sent only when the caller opts in.</summary>
    Unconfirmed,

    /// <summary>Documented as not available (the model card's "official API only" for video): sent only when the caller opts in.</summary>
    Unsupported,
}

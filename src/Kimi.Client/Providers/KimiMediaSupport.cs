namespace Kimi.Client;

/// <summary>Whether a host takes a kind of media for Kimi K2.6, as far as its documentation says.</summary>
public enum KimiMediaSupport
{
    /// <summary>Documented, and sent.</summary>
    Supported = 0,

    /// <summary>The sources disagree or say nothing: sent only when the caller opts in (<see cref="KimiMediaOptions"/>).</summary>
    Unconfirmed = 1,

    /// <summary>Documented as unavailable: refused before sending unless the caller opts in.</summary>
    Unsupported = 2,
}

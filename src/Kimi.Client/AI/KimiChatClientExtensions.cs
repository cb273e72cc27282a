using Kimi.Client;
using Kimi.Client.AI;

namespace Microsoft.Extensions.AI;

/// <summary>Exposes a <see cref="KimiClient"/> as a Microsoft.Extensions.AI <see cref="IChatClient"/>.</summary>
public static class KimiChatClientExtensions
{
    /// <summary>
    /// Wraps the client as an <see cref="IChatClient"/> that sends reasoning back on later turns, for use with
    /// <c>ChatClientBuilder</c> middleware such as function invocation, OpenTelemetry and logging.
    /// </summary>
    /// <param name="client">The Kimi client; it stays owned by the caller.</param>
    /// <returns>A <see cref="KimiChatClient"/> over <paramref name="client"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="client"/> is <see langword="null"/>.</exception>
    public static IChatClient AsIChatClient(this KimiClient client) => new KimiChatClient(client);
}

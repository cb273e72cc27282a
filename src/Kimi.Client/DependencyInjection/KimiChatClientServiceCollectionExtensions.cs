using Kimi.Client;
using Kimi.Client.AI;
using Microsoft.Extensions.AI;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers a <see cref="KimiClient"/> registered with <c>AddKimiClient</c> as a Microsoft.Extensions.AI <see cref="IChatClient"/>.</summary>
/// <remarks>
/// These go through Microsoft.Extensions.AI's <c>AddChatClient</c>/<c>AddKeyedChatClient</c>, so middleware chains on:
/// <code>services.AddKimiChatClient().UseFunctionInvocation().UseOpenTelemetry();</code>
/// </remarks>
public static class KimiChatClientServiceCollectionExtensions
{
    /// <summary>Registers <see cref="IChatClient"/> as a <see cref="KimiChatClient"/> over the registered <see cref="KimiClient"/>.</summary>
    /// <param name="services">The services, with a <see cref="KimiClient"/> registered (see <c>AddKimiClient</c>).</param>
    /// <param name="lifetime">The chat client's lifetime; a singleton keeps the <see cref="KimiClient"/> resolved first.</param>
    /// <returns>The chat client builder, to add middleware (<c>UseFunctionInvocation()</c>, <c>UseOpenTelemetry()</c> …).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is <see langword="null"/>.</exception>
    public static ChatClientBuilder AddKimiChatClient(this IServiceCollection services, ServiceLifetime lifetime = ServiceLifetime.Singleton)
    {
        ArgumentNullException.ThrowIfNull(services);
        return services.AddChatClient(static sp => sp.GetRequiredService<KimiClient>().AsIChatClient(), lifetime);
    }

    /// <summary>
    /// Registers a keyed <see cref="IChatClient"/> as a <see cref="KimiChatClient"/> over the <see cref="KimiClient"/> registered
    /// under the same key (resolve it with <c>[FromKeyedServices(key)]</c>).
    /// </summary>
    /// <param name="services">The services, with a keyed <see cref="KimiClient"/> registered under <paramref name="serviceKey"/>.</param>
    /// <param name="serviceKey">The key of both the Kimi client and the chat client.</param>
    /// <param name="lifetime">The chat client's lifetime.</param>
    /// <returns>The chat client builder, to add middleware.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="serviceKey"/> is <see langword="null"/>.</exception>
    public static ChatClientBuilder AddKeyedKimiChatClient(this IServiceCollection services, object serviceKey, ServiceLifetime lifetime = ServiceLifetime.Singleton)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(serviceKey);
        return services.AddKeyedChatClient(serviceKey, sp => sp.GetRequiredKeyedService<KimiClient>(serviceKey).AsIChatClient(), lifetime);
    }
}

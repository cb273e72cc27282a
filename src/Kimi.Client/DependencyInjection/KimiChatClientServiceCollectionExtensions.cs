using Kimi.Client;
using Kimi.Client.AI;
using Microsoft.Extensions.AI;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers a <see cref="KimiClient"/> registered with <c>AddKimiClient</c> as a Microsoft.Extensions.AI <see cref="IChatClient"/>.</summary>
/// <remarks>
/// These register the bare <see cref="KimiChatClient"/>. For middleware (function invocation, OpenTelemetry, logging),
/// use Microsoft.Extensions.AI's <c>AddChatClient</c> instead:
/// <code>services.AddChatClient(sp => sp.GetRequiredService&lt;KimiClient&gt;().AsIChatClient()).UseFunctionInvocation();</code>
/// </remarks>
public static class KimiChatClientServiceCollectionExtensions
{
    /// <summary>Registers <see cref="IChatClient"/> as a <see cref="KimiChatClient"/> over the registered <see cref="KimiClient"/>.</summary>
    /// <param name="services">The services, with a <see cref="KimiClient"/> registered (see <c>AddKimiClient</c>).</param>
    /// <param name="lifetime">The chat client's lifetime; a singleton keeps the <see cref="KimiClient"/> resolved first.</param>
    /// <returns>The services, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is <see langword="null"/>.</exception>
    public static IServiceCollection AddKimiChatClient(this IServiceCollection services, ServiceLifetime lifetime = ServiceLifetime.Singleton)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.Add(new ServiceDescriptor(typeof(IChatClient), static sp => sp.GetRequiredService<KimiClient>().AsIChatClient(), lifetime));
        return services;
    }

    /// <summary>
    /// Registers a keyed <see cref="IChatClient"/> as a <see cref="KimiChatClient"/> over the <see cref="KimiClient"/> registered
    /// under the same key (resolve it with <c>[FromKeyedServices(key)]</c>).
    /// </summary>
    /// <param name="services">The services, with a keyed <see cref="KimiClient"/> registered under <paramref name="serviceKey"/>.</param>
    /// <param name="serviceKey">The key of both the Kimi client and the chat client.</param>
    /// <param name="lifetime">The chat client's lifetime.</param>
    /// <returns>The services, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="serviceKey"/> is <see langword="null"/>.</exception>
    public static IServiceCollection AddKeyedKimiChatClient(this IServiceCollection services, object serviceKey, ServiceLifetime lifetime = ServiceLifetime.Singleton)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(serviceKey);
        services.Add(new ServiceDescriptor(typeof(IChatClient), serviceKey, static (sp, key) => sp.GetRequiredKeyedService<KimiClient>(key).AsIChatClient(), lifetime));
        return services;
    }
}

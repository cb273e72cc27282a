namespace Kimi.Client;

// Who routes a call where: a router's upstream preferences and fallback models (OpenRouter), the conversation's session
// and end-user ids, and the attribution headers a router shows on its app pages.
public partial record KimiProvider
{
    /// <summary>
    /// Whether the host is a router that takes <see cref="Routing"/>, <see cref="FallbackModels"/> and <see cref="Attribution"/>
    /// (OpenRouter). Setting them on any other host fails at start: it would reject or ignore them.
    /// </summary>
    public bool TakesRoutingPreferences { get; init; }

    /// <summary>
    /// Which upstreams may serve the calls, sent as the request's <c>provider</c> object (OpenRouter); <see langword="null"/> for
    /// the router's default (price-weighted load balancing with fallbacks). For tool loops, <see cref="OpenRouterRouting.PinMoonshot"/>.
    /// </summary>
    public OpenRouterRouting? Routing { get; init; }

    /// <summary>
    /// Models to try, in order, when the primary one fails (context length, moderation, rate limit, downtime), sent as
    /// <c>models</c> after the primary model. Another model's turns never get this model's reasoning back
    /// (<see cref="BindsReasoningToResponseModel"/>). Default: none.
    /// </summary>
    public IReadOnlyList<string> FallbackModels { get; init; } = [];

    /// <summary>The app's URL, title and categories, sent as attribution headers (OpenRouter's app pages); <see langword="null"/> for none.</summary>
    public OpenRouterAttribution? Attribution { get; init; }

    /// <summary>The top-level field that carries <see cref="ChatCompletionOptions.EndUserId"/> (OpenRouter: <c>user</c>), or <see langword="null"/> when the host takes none (the id is then not sent).</summary>
    public string? EndUserIdField { get; init; }

    /// <summary>The longest <see cref="ChatCompletionOptions.SessionId"/> the host takes (OpenRouter: 256), or <see langword="null"/> for no limit; a longer one is refused before sending.</summary>
    public int? MaxSessionIdLength { get; init; }

    /// <summary>The routing settings' own checks, worded for configuration.</summary>
    private IEnumerable<string> ValidateRouting()
    {
        var path = $"Kimi:Hosts:{Name}";
        if (!TakesRoutingPreferences && (Routing is not null || FallbackModels is { Count: > 0 } || Attribution is not null))
        {
            yield return $"{path}: Routing, FallbackModels and Attribution are a router's settings (OpenRouter), and {DisplayName} takes none. " +
                         "Remove them, or base the host on OpenRouter.";
            yield break;
        }

        if (FallbackModels is null)
        {
            yield return $"{path}:FallbackModels is null; leave it empty for none.";
        }
        else
        {
            for (var i = 0; i < FallbackModels.Count; i++)
            {
                if (string.IsNullOrWhiteSpace(FallbackModels[i]))
                {
                    yield return $"{path}:FallbackModels:{i} is blank; name a model such as moonshotai/kimi-k2.5, or remove it.";
                }
            }
        }

        if (MaxSessionIdLength is < 1)
        {
            yield return $"{path}:MaxSessionIdLength must be positive when set; got {MaxSessionIdLength}.";
        }

        foreach (var problem in Routing?.Validate($"{path}:Routing") ?? [])
        {
            yield return problem;
        }

        foreach (var problem in Attribution?.Validate($"{path}:Attribution") ?? [])
        {
            yield return problem;
        }
    }
}

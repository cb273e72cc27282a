namespace Kimi.Client;

// Account-scoped endpoints (Cloudflare Workers AI: the account id is a path segment, and an optional AI Gateway id picks
// the gateway route): the base URL is built from a template when no Endpoint is given.
public partial record KimiProvider
{
    /// <summary>
    /// The base URL with <c>{AccountId}</c> (and optionally <c>{GatewayId}</c>) placeholders, used when <see cref="Endpoint"/> is
    /// unset (Cloudflare: <c>https://api.cloudflare.com/client/v4/accounts/{AccountId}/ai/v1</c>); <see langword="null"/> for none.
    /// </summary>
    public string? EndpointTemplate { get; init; }

    /// <summary>The base URL template used instead of <see cref="EndpointTemplate"/> when <see cref="GatewayId"/> is set (Cloudflare's AI Gateway route).</summary>
    public string? GatewayEndpointTemplate { get; init; }

    /// <summary>The account the endpoint is scoped to, substituted (URL-escaped) for <c>{AccountId}</c>; when unset, read from <see cref="AccountIdVariable"/>.</summary>
    public string? AccountId { get; init; }

    /// <summary>The environment variable the account id is read from when <see cref="AccountId"/> is unset (<c>CLOUDFLARE_ACCOUNT_ID</c>).</summary>
    public string? AccountIdVariable { get; init; }

    /// <summary>The gateway to route through (Cloudflare AI Gateway), substituted for <c>{GatewayId}</c> in <see cref="GatewayEndpointTemplate"/>; <see langword="null"/> for the direct route.</summary>
    public string? GatewayId { get; init; }

    /// <summary>The account id in effect: <see cref="AccountId"/>, else the value of <see cref="AccountIdVariable"/>, trimmed.</summary>
    internal string? EffectiveAccountId =>
        (string.IsNullOrWhiteSpace(AccountId) && AccountIdVariable is { } variable ? Environment.GetEnvironmentVariable(variable) : AccountId)?.Trim();

    /// <summary>The base URL: <see cref="Endpoint"/>, else the template filled in; <see langword="null"/> when neither can be had.</summary>
    internal Uri? ResolveEndpoint()
    {
        if (Endpoint is not null || EndpointTemplate is null)
        {
            return Endpoint;
        }

        var account = EffectiveAccountId;
        if (string.IsNullOrEmpty(account) || IdProblem(account) is not null || GatewayId is { } g && IdProblem(g) is not null)
        {
            return null;
        }

        var template = GatewayId is { Length: > 0 } && GatewayEndpointTemplate is not null ? GatewayEndpointTemplate : EndpointTemplate;
        var text = template.Replace("{AccountId}", Uri.EscapeDataString(account), StringComparison.Ordinal)
            .Replace("{GatewayId}", Uri.EscapeDataString(GatewayId ?? string.Empty), StringComparison.Ordinal);
        return Uri.TryCreate(text, UriKind.Absolute, out var uri) ? uri : null;
    }

    /// <summary>What is wrong with the account or gateway settings when the endpoint is built from the template, one line each.</summary>
    internal IEnumerable<string> AccountProblems(string path)
    {
        if (EndpointTemplate is null)
        {
            yield break;
        }

        var account = EffectiveAccountId;
        if (account is null)
        {
            yield return $"{path}: {DisplayName} needs an account id, which is part of its URL. Set AccountId on the host " +
                $"('KimiProvider.{Name} with {{ AccountId = … }}' in code, Kimi:Hosts:<Name>:AccountId with BasedOn {Name} in configuration)" +
                (AccountIdVariable is { } variable ? $" or the {variable} environment variable" : string.Empty) + ", or set Endpoint.";
        }
        else if (IdProblem(account) is { } problem)
        {
            yield return $"{path}: the AccountId of {DisplayName} {problem}";
        }

        if (GatewayId is { } gateway && IdProblem(gateway) is { } gatewayProblem)
        {
            yield return $"{path}: the GatewayId of {DisplayName} {gatewayProblem}";
        }

        if (GatewayId is not null && GatewayEndpointTemplate is null)
        {
            yield return $"{path}: GatewayId is set, but {DisplayName} has no gateway route (GatewayEndpointTemplate).";
        }
    }

    // Ids are path segments: an empty one or one with '/' would silently change the route (a pasted URL or token is the usual cause).
    private static string? IdProblem(string id) =>
        id.Length == 0 ? "is empty: copy the id from the dashboard (a 32-character hex string)."
        : id.Contains('/', StringComparison.Ordinal) ? "contains '/': give the bare id (a 32-character hex string from the dashboard), not a URL or path."
        : null;
}

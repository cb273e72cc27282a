using Kimi.Client.Testing.Dialects;

namespace Kimi.Client.Testing.Processing;

/// <summary>The emulated <c>Authorization: Bearer</c> check, shared by every endpoint.</summary>
internal static class BearerAuth
{
    public static bool IsAuthorized(EmulatorDialect dialect, KimiEmulatorOptions options, IReadOnlyDictionary<string, string> headers)
    {
        string? key = options.ApiKey;
        if (key is null && !dialect.RequiresBearerWithoutKey)
        {
            return true;
        }

        if (!headers.TryGetValue("Authorization", out string? authorization)
            || !authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        string token = authorization["Bearer ".Length..].Trim();
        return key is null ? token.Length > 0 : string.Equals(token, key, StringComparison.Ordinal);
    }
}

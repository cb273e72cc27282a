using System.Globalization;
using System.Text.Json;
using Kimi.Client.Agents;
using Kimi.Client.Diagnostics;
using Kimi.Client.Http;
using Kimi.Client.Platform;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace Kimi.Client;

/// <summary>
/// A host's calls beyond chat, on a client's endpoint, key, connection pool and retries: the model list, a prompt's token
/// count, and the account balance. Which calls a host has is profile data (<see cref="KimiProvider.ModelsPath"/>,
/// <see cref="KimiProvider.TokenCountPath"/>, <see cref="KimiProvider.BalancePath"/>). Get one from <see cref="KimiClient.GetPlatformClient"/>.
/// </summary>
/// <remarks>
/// Thread-safe. A call documented as absent on the host fails before sending with <see cref="NotSupportedException"/>; one of
/// unknown availability is tried, and a 404 or 405 becomes <see cref="KimiFeatureUnavailableException"/>. Errors are the same
/// exception family as chat, with the key scrubbed. Members are virtual for mocking.
/// </remarks>
public class KimiPlatformClient
{
    private const int MessageOverheadTokens = 4;
    private const int MediaPartTokens = 1024; // the help centre's flat figure per image for vision models

    private readonly ClientSettings _settings = null!;
    private readonly PlatformCall _call = null!;
    private readonly ILogger _logger = null!;

    /// <summary>For mocking only: creates a client whose members must all be overridden.</summary>
    protected KimiPlatformClient()
    {
    }

    internal KimiPlatformClient(HttpClient http, ClientSettings settings, ILogger logger)
    {
        _settings = settings;
        _logger = logger;
        _call = new PlatformCall(http, settings);
    }

    /// <summary>The host this client calls.</summary>
    public virtual KimiProvider Provider => _settings.Profile;

    /// <summary>Lists the models the host serves to this key (<c>GET {base}/models</c>), with whatever capability fields it gives.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The models, in the host's order.</returns>
    /// <exception cref="NotSupportedException">The host has no model list (nothing was sent).</exception>
    /// <exception cref="KimiFeatureUnavailableException">The host answered 404 or 405: it has no model list at this endpoint.</exception>
    /// <exception cref="KimiApiException">The host returned another error (a bad key is <see cref="KimiAuthenticationException"/>).</exception>
    public virtual async Task<IReadOnlyList<KimiModelInfo>> GetModelsAsync(CancellationToken cancellationToken = default)
    {
        var path = _settings.Profile.ModelsPath ?? throw Refusal(nameof(GetModelsAsync), "a model list", static p => p.ModelsPath is not null);
        var (json, _) = await _call.SendAsync(nameof(GetModelsAsync), HttpMethod.Get, path, content: null, cancellationToken).ConfigureAwait(false);
        using (json)
        {
            return ModelListReader.Read(json.RootElement);
        }
    }

    /// <summary>
    /// Counts the prompt tokens of a conversation before sending it: with the host's count endpoint where it has one
    /// (Moonshot's <c>POST {base}/tokenizers/estimate-token-count</c>, messages serialized exactly as for chat), else a local
    /// estimate flagged <see cref="KimiTokenCount.IsEstimate"/>.
    /// </summary>
    /// <param name="messages">The conversation, as it would be sent.</param>
    /// <param name="tools">Tools the call would declare. They are never sent here (the count takes messages only): a warning says so.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The count.</returns>
    /// <exception cref="ArgumentException">The messages are invalid (nothing was sent).</exception>
    /// <exception cref="KimiApiException">The host returned an error, or an answer without <c>total_tokens</c>.</exception>
    public virtual async Task<KimiTokenCount> EstimateTokensAsync(IEnumerable<KimiMessage> messages, IEnumerable<AIFunctionDeclaration>? tools = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var snapshot = messages as KimiMessage[] ?? messages.ToArray();
        var request = ChatRequest.Create(_settings, snapshot, options: null, stream: false, _logger); // validated and shaped exactly as chat
        request.MessagesOnly = true;
        if (tools?.Count() is > 0 and var toolCount)
        {
            KimiLog.EstimateExcludesTools(_logger, _settings.Profile.DisplayName, toolCount);
        }

        if (_settings.Profile.TokenCountPath is not { } path)
        {
            var estimate = LocalEstimate(request.Messages);
            KimiLog.TokenCountEstimatedLocally(_logger, _settings.Profile.DisplayName, estimate);
            return new KimiTokenCount(estimate, isEstimate: true);
        }

        var (json, info) = await _call.SendAsync(nameof(EstimateTokensAsync), HttpMethod.Post, path, () => new ChatRequestContent(request), cancellationToken).ConfigureAwait(false);
        using (json)
        {
            var root = json.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object &&
                data.TryGetProperty("total_tokens", out var total) && total.ValueKind == JsonValueKind.Number && total.TryGetInt32(out var tokens) && tokens >= 0)
            {
                return new KimiTokenCount(tokens, isEstimate: false);
            }

            throw Malformed("estimate response has no total_tokens", info);
        }
    }

    /// <summary>Reads the account balance (Moonshot: <c>GET {base}/users/me/balance</c>), exact, in the host's currency.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The balance.</returns>
    /// <exception cref="NotSupportedException">The host has no balance call (nothing was sent).</exception>
    /// <exception cref="KimiApiException">The host returned an error, or an answer whose <c>code</c> is not 0 (its <c>code</c> and <c>scode</c> are in <see cref="KimiApiException.Error"/>).</exception>
    public virtual async Task<KimiBalance> GetBalanceAsync(CancellationToken cancellationToken = default)
    {
        var path = _settings.Profile.BalancePath ?? throw Refusal(nameof(GetBalanceAsync), "an account balance", static p => p.BalancePath is not null);
        var (json, info) = await _call.SendAsync(nameof(GetBalanceAsync), HttpMethod.Get, path, content: null, cancellationToken).ConfigureAwait(false);
        using (json)
        {
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Malformed("balance response is not a JSON object", info);
            }

            var code = root.TryGetProperty("code", out var c) ? c.GetRawText() : null;
            var failed = (code is not null && code != "0") || (root.TryGetProperty("status", out var status) && status.ValueKind == JsonValueKind.False);
            if (failed || !root.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object ||
                Amount(data, "available_balance") is not { } available || Amount(data, "voucher_balance") is not { } voucher || Amount(data, "cash_balance") is not { } cash)
            {
                var scode = root.TryGetProperty("scode", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
                var text = root.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
                var error = new KimiProviderError(_settings.Scrubber.Scrub(text ?? (failed ? "balance request failed" : "balance response has no available_balance, voucher_balance and cash_balance")), null, code)
                {
                    Details = scode is null ? null : new Dictionary<string, string>(StringComparer.Ordinal) { ["scode"] = _settings.Scrubber.Scrub(scode) },
                };
                throw Stamp(new KimiApiException(
                    $"GetBalanceAsync: {_settings.Profile.DisplayName} answered code {code ?? "(none)"}{(scode is null ? string.Empty : $", scode {scode}")}: {error.Message}.",
                    _settings.Profile, info.StatusCode, error, info.RequestId));
            }

            return new KimiBalance(available, voucher, cash, _settings.Profile.Currency);
        }
    }

    // Exact: a JSON number read as decimal keeps every digit the host sent (49.58894 stays 49.58894).
    private static decimal? Amount(JsonElement data, string name) =>
        data.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetDecimal(out var amount) ? amount : null;

    private static int LocalEstimate(KimiMessage[] messages)
    {
        long tokens = 0;
        foreach (var message in messages)
        {
            tokens += AgentHistory.Estimate(message) + MessageOverheadTokens;
            foreach (var part in message.PartsOrNull ?? [])
            {
                tokens += part is MediaPart ? MediaPartTokens : 0;
            }
        }

        return (int)Math.Min(tokens, int.MaxValue);
    }

    private NotSupportedException Refusal(string call, string what, Func<KimiProvider, bool> has)
    {
        var hosts = KimiProvider.BuiltInWhere(has);
        return new NotSupportedException(
            $"{call} needs a host with {what}; the {_settings.Profile.Name} profile ({_settings.Profile.DisplayName}) has no equivalent endpoint, so nothing was sent." +
            (hosts.Length == 0 ? string.Empty : $" Hosts that have one: {hosts}."));
    }

    private KimiApiException Malformed(string problem, KimiResponseInfo info) =>
        Stamp(new KimiApiException($"{_settings.Profile.DisplayName}: {problem}. Check KimiClientOptions.Endpoint points at the host's own API.", _settings.Profile, info.StatusCode, new KimiProviderError(problem), info.RequestId));

    private KimiApiException Stamp(KimiApiException exception)
    {
        exception.Scrubber ??= _settings.Scrubber;
        return exception;
    }

    /// <inheritdoc/>
    public override string ToString() => _settings is null ? base.ToString()! : $"KimiPlatformClient({_settings.Profile.DisplayName}, {_settings.LoggableEndpoint})";
}

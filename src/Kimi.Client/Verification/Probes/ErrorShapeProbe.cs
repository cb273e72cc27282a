using System.Text.Json;
using Kimi.Client.Errors;

namespace Kimi.Client.Verification.Probes;

/// <summary>
/// P10: a bad key (a fixed fake, never the real one) and a bad model get a 4xx in one of the error envelopes the SDK reads
/// (conformance 29). This probe owns the status, so a 5xx here is a deviation, not an error.
/// </summary>
internal sealed class ErrorShapeProbe : Probe
{
    public const string FakeKey = "sk-kimi-verify-invalid";
    public const string FakeModel = "kimi-verify-no-such-model";

    public override string Id => "P10";

    public override string Name => "Error shapes for a bad key and a bad model";

    public override async Task RunAsync(ProbeContext context, CheckBuilder check, CancellationToken cancellationToken)
    {
        var profile = context.Profile;
        check.Expected = (profile.RequiresApiKey ? "bad key: 401/403" : "bad key: 401/403, or 200 on a server without a key") + "; bad model: 4xx; bodies in a known error envelope";
        var options = new ChatCompletionOptions { Thinking = context.Off, MaxOutputTokens = 16 };

        using (var badKey = context.NewClient(context.ProbeProfile, apiKey: FakeKey))
        {
            var outcome = await context.CompleteAsync(check, badKey, Ask(ThinkingSwitchProbe.Prompt), options, cancellationToken).ConfigureAwait(false);
            Judge(check, "bad key", outcome, accepted: profile.RequiresApiKey ? null : "errors.keyless");
        }

        string model;
        try
        {
            model = context.ProbeProfile.ResolveModel(FakeModel, out _);
        }
        catch (ArgumentException)
        {
            model = (context.Profile.RequiredModelPrefix ?? string.Empty) + FakeModel; // a host whose ids need a prefix (Cloudflare's @cf/)
        }

        using var badModel = context.NewClient(context.ProbeProfile, model: model);
        var unknown = await context.CompleteAsync(check, badModel, Ask(ThinkingSwitchProbe.Prompt), options, cancellationToken).ConfigureAwait(false);
        Judge(check, "bad model", unknown, accepted: null);
    }

    // accepted: the info code when a 2xx is documented (a keyless server), or null when a 2xx is a deviation.
    private static void Judge(CheckBuilder check, string what, ProbeOutcome outcome, string? accepted)
    {
        if (outcome.Succeeded)
        {
            if (accepted is not null)
            {
                check.Info(accepted, $"{what}: answered 200 (the server runs without a key)");
            }
            else
            {
                check.Deviation("errors.status", $"{what}: answered 200");
            }

            return;
        }

        if (outcome.Failure is not KimiApiException api)
        {
            check.Error($"{what}: {outcome.Describe()}");
            return;
        }

        var status = (int)api.Status;
        check.Evidence($"{what}: {outcome.Describe()}");
        if (status is < 400 or >= 500)
        {
            check.Deviation("errors.status", $"{what}: answered {status}, not a 4xx");
        }
        else
        {
            check.Pass($"{what}: {status}");
        }

        if (outcome.Final is { } exchange && Envelope(exchange.Body) is false)
        {
            check.Deviation("errors.envelope", $"{what}: the JSON error body is in no known envelope, so only its raw text can be shown");
        }
    }

    /// <summary>Whether a JSON body is a known error envelope; <see langword="null"/> when it is not JSON (plain text is shown as is).</summary>
    private static bool? Envelope(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return ProviderErrorParser.Parse(document.RootElement) is not null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

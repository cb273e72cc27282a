namespace Kimi.Client.Verification.Probes;

/// <summary>P0: the model is in the host's list (<c>GET {base}/models</c>); its capability fields are read when present.</summary>
internal sealed class ModelListedProbe : Probe
{
    public override string Id => "P0";

    public override string Name => "Model listed";

    public override async Task RunAsync(ProbeContext context, CheckBuilder check, CancellationToken cancellationToken)
    {
        check.CountPlatformCall();
        var entry = await EvaluateAsync(context.Client, context.Model, check, cancellationToken).ConfigureAwait(false);
        context.Facts.ContextLength = entry?.ContextLength;
    }

    /// <summary>The probe on any client (also the health check's): lists the models and judges the answer.</summary>
    public static async Task<KimiModelInfo?> EvaluateAsync(KimiClient client, string model, CheckBuilder check, CancellationToken cancellationToken)
    {
        check.Expected = $"GET /models lists '{model}'";
        IReadOnlyList<KimiModelInfo> models;
        try
        {
            models = await client.GetPlatformClient().GetModelsAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (NotSupportedException)
        {
            check.Skip($"{client.Provider.DisplayName} has no model list");
            return null;
        }
        catch (KimiFeatureUnavailableException ex)
        {
            check.Skip($"no model list at this endpoint ({(int)ex.Status})");
            return null;
        }
        catch (KimiException ex) when (!cancellationToken.IsCancellationRequested)
        {
            check.Error($"the model list failed: {(ex is KimiApiException api ? $"{(int)api.Status} {api.Error.Message}" : ex.Message)}");
            return null;
        }

        var entry = models.FirstOrDefault(m => string.Equals(m.Id, model, StringComparison.Ordinal))
            ?? models.FirstOrDefault(m => string.Equals(m.Id, model, StringComparison.OrdinalIgnoreCase));
        if (entry is null)
        {
            check.Deviation("model.not-listed", $"'{model}' is not among the {models.Count} listed model(s)");
            check.Evidence("listed: " + string.Join(", ", models.Take(10).Select(static m => m.Id)));
            return null;
        }

        check.Pass($"listed{(entry.ContextLength is { } window ? $", context {window}" : string.Empty)}" +
                   $"{Flag(", image", entry.SupportsImageInput)}{Flag(", video", entry.SupportsVideoInput)}{Flag(", reasoning", entry.SupportsReasoning)}");
        if (entry.ContextLength is null && entry.SupportsImageInput is null && entry.SupportsVideoInput is null && entry.SupportsReasoning is null)
        {
            check.Info("model.capabilities-absent", "no capability fields (context length, image, video, reasoning): unknown, not false");
        }

        return entry;
    }

    private static string Flag(string name, bool? value) => value is { } known ? $"{name} {(known ? "yes" : "no")}" : string.Empty;
}

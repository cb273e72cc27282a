namespace Kimi.Client;

// Which reasoning goes back to the host, in which fields: structured reasoning details (OpenRouter), the field a lost
// reasoning's placeholder is written in, and whose reasoning counts as the host's own (bound to the model that answered,
// or relayed from this host by a router).
public partial record KimiProvider
{
    /// <summary>
    /// The field an assistant turn's structured reasoning (<see cref="KimiMessage.ReasoningDetails"/>) is sent back in, verbatim,
    /// on tool-call turns (OpenRouter: <c>reasoning_details</c>); <see langword="null"/> when the host takes none (the details are
    /// then never sent: other hosts reject them).
    /// </summary>
    public string? ReasoningDetailsField { get; init; }

    /// <summary>
    /// The field the <c>" "</c> placeholder for a lost reasoning is written in (OpenRouter: <c>reasoning_content</c>, which a
    /// Moonshot upstream reads), or <see langword="null"/> for <see cref="ReasoningWriteFields"/>.
    /// </summary>
    public string? ReasoningPlaceholderField { get; init; }

    /// <summary>
    /// Whether reasoning is bound to the model named in the response rather than the one requested (OpenRouter answers with a
    /// dated slug such as <c>moonshotai/kimi-k2.6-20260420</c>, and a <see cref="FallbackModels"/> entry may answer instead):
    /// reasoning goes back only to the model that produced it, a dated snapshot of it counting as the same model.
    /// </summary>
    public bool BindsReasoningToResponseModel { get; init; }

    /// <summary>
    /// The names routers give this host as an upstream (OpenRouter's <c>provider</c> <c>Moonshot AI</c>): reasoning a router relayed
    /// from this host for the same model is this host's own, and is sent back here in this host's field.
    /// </summary>
    public IReadOnlyList<string> UpstreamNames { get; init; } = [];

    /// <summary>
    /// Whether a <see cref="ChatCompletionOptions.ReasoningEffort"/> is left out with a warning instead of refused (OpenRouter: its
    /// <c>reasoning</c> object takes effort levels, but Kimi K2.6's upstreams are on/off only).
    /// </summary>
    public bool DropsReasoningEffort { get; init; }

    /// <summary>
    /// Whether reasoning produced at <paramref name="origin"/> may be sent back to this host calling <paramref name="model"/>: the
    /// same dialect and model (a dated snapshot of the model too, with <see cref="BindsReasoningToResponseModel"/>), or this host's
    /// own answer relayed by a router (<see cref="UpstreamNames"/>) for the same model.
    /// </summary>
    /// <param name="origin">Where the reasoning came from.</param>
    /// <param name="model">The model this call asks for.</param>
    /// <returns>Whether it is this host's own reasoning.</returns>
    protected internal virtual bool AcceptsReasoningFrom(ReasoningOrigin origin, string model)
    {
        ArgumentNullException.ThrowIfNull(origin);
        ArgumentNullException.ThrowIfNull(model);
        if (string.Equals(origin.Dialect, Dialect, StringComparison.Ordinal))
        {
            return string.Equals(origin.Model, model, StringComparison.Ordinal) || (BindsReasoningToResponseModel && IsSnapshotOf(origin.Model, model));
        }

        return origin.Upstream is { } upstream && (UpstreamNames ?? []).Contains(upstream, StringComparer.OrdinalIgnoreCase) &&
               string.Equals(BaseModel(origin.Model), BaseModel(model), StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Whether <paramref name="answered"/> is <paramref name="requested"/> with a date appended (<c>…kimi-k2.6-20260420</c>).</summary>
    private static bool IsSnapshotOf(string answered, string requested) =>
        answered.Length > requested.Length + 1 && answered.StartsWith(requested, StringComparison.Ordinal) && answered[requested.Length] == '-' &&
        IsDate(answered.AsSpan(requested.Length + 1));

    /// <summary>A model id without its namespace and date: <c>moonshotai/kimi-k2.6-20260420</c> → <c>kimi-k2.6</c>.</summary>
    private static string BaseModel(string model)
    {
        var name = model[(model.LastIndexOf('/') + 1)..];
        var dash = name.LastIndexOf('-');
        return dash > 0 && IsDate(name.AsSpan(dash + 1)) ? name[..dash] : name;
    }

    private static bool IsDate(ReadOnlySpan<char> text) => text.Length is 8 or 4 && !text.ContainsAnyExceptInRange('0', '9');
}

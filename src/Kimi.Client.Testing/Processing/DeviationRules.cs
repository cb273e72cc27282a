using System.Globalization;
using System.Text.Json;
using Kimi.Client.Testing.Dialects;

namespace Kimi.Client.Testing.Processing;

/// <summary>The request-side <see cref="EmulatorDeviation"/>s: rejections a deployment makes that its host's documentation does not.</summary>
internal static class DeviationRules
{
    private static readonly string[] ThinkingSwitchFields = ["thinking", "chat_template_kwargs", "reasoning_effort"];

    /// <summary>The 401 body of <see cref="EmulatorDeviation.UnknownErrorEnvelope"/>: JSON in no known error envelope.</summary>
    public static EmulatorResponse UnknownEnvelope() => EmulatorResponse.Json(401, """{"fault":{"reason":"bad key"}}"""u8.ToArray());

    public static EmulatorResponse? CheckRequest(EmulatorDialect dialect, JsonElement body, ISet<EmulatorDeviation> deviations)
    {
        if (deviations.Count == 0 || body.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        if (deviations.Contains(EmulatorDeviation.ThinkingSwitchRejected))
        {
            foreach (string field in ThinkingSwitchFields)
            {
                if (body.TryGetProperty(field, out JsonElement value) && value.ValueKind != JsonValueKind.Null)
                {
                    return dialect.Error(400, $"Invalid request: unsupported field '{field}'");
                }
            }
        }

        if (!body.TryGetProperty("messages", out JsonElement messages) || messages.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        int index = 0;
        foreach (JsonElement message in messages.EnumerateArray())
        {
            if (message.ValueKind == JsonValueKind.Object && message.TryGetProperty("role", out JsonElement role) && role.ValueKind == JsonValueKind.String && role.ValueEquals("assistant"))
            {
                if (deviations.Contains(EmulatorDeviation.ReasoningRoundTripRejected) && HasReasoning(message))
                {
                    return dialect.Error(400, $"Invalid request: messages[{index}]: extra fields not permitted (reasoning)");
                }

                if (deviations.Contains(EmulatorDeviation.ForeignToolCallIdsRejected) && ForeignId(dialect, message) is { } id)
                {
                    return dialect.Error(400, $"Invalid request: messages[{index}]: tool call id '{id}' is not a valid tool call id");
                }
            }

            index++;
        }

        return null;
    }

    /// <summary><see cref="EmulatorDeviation.SamplingPinned"/>: a vendor-grade deployment's 400 for non-recommended sampling.</summary>
    public static EmulatorResponse? CheckSampling(EmulatorDialect dialect, ChatRequestContext request)
    {
        if (!request.Has(EmulatorDeviation.SamplingPinned))
        {
            return null;
        }

        double temperature = request.Thinking.IsOn ? 1.0 : 0.6;
        foreach ((string name, double pinned) in new[] { ("temperature", temperature), ("top_p", 0.95) })
        {
            if (request.Body.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.Number && Math.Abs(value.GetDouble() - pinned) > 1e-9)
            {
                return dialect.Error(400, $"invalid {name}: only {pinned.ToString(CultureInfo.InvariantCulture)} is allowed for this model");
            }
        }

        return null;
    }

    private static bool HasReasoning(JsonElement message)
    {
        foreach (string field in (ReadOnlySpan<string>)["reasoning_content", "reasoning"])
        {
            if (message.TryGetProperty(field, out JsonElement value) && value.ValueKind == JsonValueKind.String && value.GetString()!.Trim().Length > 0)
            {
                return true;
            }
        }

        return false;
    }

    // An id that the dialect would not have issued for that function: functions.{name}:{n} (or Moonshot's {name}_{n}).
    private static string? ForeignId(EmulatorDialect dialect, JsonElement message)
    {
        if (!message.TryGetProperty("tool_calls", out JsonElement calls) || calls.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        foreach (JsonElement call in calls.EnumerateArray())
        {
            string? id = call.TryGetProperty("id", out JsonElement i) && i.ValueKind == JsonValueKind.String ? i.GetString() : null;
            string? name = call.TryGetProperty("function", out JsonElement f) && f.ValueKind == JsonValueKind.Object && f.TryGetProperty("name", out JsonElement n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
            if (id is null || name is null)
            {
                continue;
            }

            const int Marker = 987654321;
            string shape = dialect.ToolCallId(name, Marker);
            int at = shape.IndexOf(Marker.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
            string prefix = shape[..at], suffix = shape[(at + 9)..];
            bool matches = id.Length > prefix.Length + suffix.Length && id.StartsWith(prefix, StringComparison.Ordinal) && id.EndsWith(suffix, StringComparison.Ordinal)
                && id.AsSpan(prefix.Length, id.Length - prefix.Length - suffix.Length).IndexOfAnyExceptInRange('0', '9') < 0;
            if (!matches)
            {
                return id;
            }
        }

        return null;
    }
}

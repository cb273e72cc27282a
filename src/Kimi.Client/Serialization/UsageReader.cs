using System.Text.Json;

namespace Kimi.Client.Serialization;

/// <summary>
/// Reads a <c>usage</c> object wherever a host puts it (top level or inside the choice) and normalizes it: cached tokens
/// counted once whichever field carried them, reasoning tokens always inside the output, counts clamped instead of
/// wrapped, and details the host did not report left unknown (conformance 14–19, 38g). A reported cost (OpenRouter's
/// <c>cost</c>, <c>is_byok</c>, <c>cost_details</c>, <c>cache_write_tokens</c>) is read exactly, as a decimal (conformance 37).
/// One rule for a field sent more than once, at any depth: the last value reported wins, and a later <c>null</c> or value
/// of the wrong type reports nothing, so it never erases an earlier one.
/// </summary>
internal static class UsageReader
{
    /// <summary>Reads a <c>usage</c> object (the reader on its first token); <see langword="null"/> when it holds no token counts.</summary>
    public static TokenUsage? Read(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return null;
        }

        int? prompt = null, completion = null, total = null, cachedTop = null, cachedNested = null, reasoningTop = null, reasoningNested = null, cacheWrite = null;
        decimal? cost = null, upstreamCost = null;
        bool? byok = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            switch (FieldOf(ref reader))
            {
                case Field.Prompt:
                    prompt = ReadInt(ref reader) ?? prompt;
                    break;
                case Field.Completion:
                    completion = ReadInt(ref reader) ?? completion;
                    break;
                case Field.Total:
                    total = ReadInt(ref reader) ?? total;
                    break;
                case Field.Cached:
                    cachedTop = ReadInt(ref reader) ?? cachedTop;
                    break;
                case Field.Reasoning:
                    reasoningTop = ReadInt(ref reader) ?? reasoningTop; // SGLang's top-level extra
                    break;
                case Field.PromptDetails:
                    ReadPromptDetails(ref reader, ref cachedNested, ref cacheWrite);
                    break;
                case Field.CompletionDetails:
                    reasoningNested = ReadDetail(ref reader, "reasoning_tokens"u8) ?? reasoningNested;
                    break;
                case Field.Cost:
                    cost = ReadDecimal(ref reader) ?? cost;
                    break;
                case Field.CostDetails:
                    upstreamCost = ReadDecimalDetail(ref reader, "upstream_inference_cost"u8) ?? upstreamCost;
                    break;
                case Field.Byok:
                    reader.Read();
                    if (reader.TokenType is JsonTokenType.True or JsonTokenType.False)
                    {
                        byok = reader.GetBoolean();
                    }
                    else
                    {
                        reader.Skip(); // an object or array is passed over whole: nothing inside it is read as ours
                    }

                    break;
                default:
                    reader.Read();
                    reader.Skip();
                    break;
            }
        }

        if (prompt is null && completion is null && total is null)
        {
            return null;
        }

        var accounting = cost is null && upstreamCost is null && byok is null && cacheWrite is null ? null : new UsageAccounting(cost, upstreamCost, byok, cacheWrite);
        return NormalizeUsage(prompt ?? 0, completion ?? 0, total, cachedTop ?? cachedNested, reasoningNested ?? reasoningTop, accounting); // unreported details stay null (conformance 38g)
    }

    /// <summary>
    /// Conformance 18–19: cached counted once (top level first); reasoning outside completion tokens is added back. It is
    /// outside when it exceeds the completion tokens, or when the reported total is prompt + completion + reasoning.
    /// Sums are computed in <see cref="long"/> and clamped to <see cref="int.MaxValue"/> (they never wrap negative).
    /// </summary>
    internal static TokenUsage NormalizeUsage(int prompt, int completion, int? total, int? cached, int? reasoningReported, UsageAccounting? accounting = null)
    {
        long output = completion;
        var reasoning = reasoningReported ?? 0;
        if (reasoning > 0 && (reasoning > completion || total == (long)prompt + completion + reasoning))
        {
            output += reasoning;
            total = null; // recomputed below: the reported total left reasoning out too, or already equals the sum
        }

        var clampedOutput = Clamp(output);
        return new TokenUsage(prompt, clampedOutput, total ?? Clamp((long)prompt + clampedOutput), cached, reasoningReported, accounting);
    }

    /// <summary>
    /// The usage field under the reader (at its property name). A plain name is told by its length first, so each name is
    /// compared once instead of with every name before it; an escaped name takes the general comparison.
    /// </summary>
    private static Field FieldOf(ref Utf8JsonReader reader)
    {
        if (reader.ValueIsEscaped || reader.HasValueSequence)
        {
            return FieldOfEscaped(ref reader);
        }

        var name = reader.ValueSpan;
        return name.Length switch
        {
            4 when name.SequenceEqual("cost"u8) => Field.Cost,
            7 when name.SequenceEqual("is_byok"u8) => Field.Byok,
            12 when name.SequenceEqual("total_tokens"u8) => Field.Total,
            12 when name.SequenceEqual("cost_details"u8) => Field.CostDetails,
            13 when name.SequenceEqual("prompt_tokens"u8) => Field.Prompt,
            13 when name.SequenceEqual("cached_tokens"u8) => Field.Cached,
            16 when name.SequenceEqual("reasoning_tokens"u8) => Field.Reasoning,
            17 when name.SequenceEqual("completion_tokens"u8) => Field.Completion,
            21 when name.SequenceEqual("prompt_tokens_details"u8) => Field.PromptDetails,
            25 when name.SequenceEqual("completion_tokens_details"u8) => Field.CompletionDetails,
            _ => Field.Other,
        };
    }

    private static Field FieldOfEscaped(ref Utf8JsonReader reader) =>
        reader.ValueTextEquals("prompt_tokens"u8) ? Field.Prompt
        : reader.ValueTextEquals("completion_tokens"u8) ? Field.Completion
        : reader.ValueTextEquals("total_tokens"u8) ? Field.Total
        : reader.ValueTextEquals("cached_tokens"u8) ? Field.Cached
        : reader.ValueTextEquals("reasoning_tokens"u8) ? Field.Reasoning
        : reader.ValueTextEquals("prompt_tokens_details"u8) ? Field.PromptDetails
        : reader.ValueTextEquals("completion_tokens_details"u8) ? Field.CompletionDetails
        : reader.ValueTextEquals("cost"u8) ? Field.Cost
        : reader.ValueTextEquals("cost_details"u8) ? Field.CostDetails
        : reader.ValueTextEquals("is_byok"u8) ? Field.Byok
        : Field.Other;

    private static int Clamp(long value) => (int)Math.Clamp(value, int.MinValue, int.MaxValue);

    private static int? ReadDetail(ref Utf8JsonReader reader, ReadOnlySpan<byte> name)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return null;
        }

        int? value = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals(name))
            {
                value = ReadInt(ref reader) ?? value;
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return value;
    }

    // prompt_tokens_details: cached_tokens (and OpenRouter's cache_write_tokens), in one pass.
    private static void ReadPromptDetails(ref Utf8JsonReader reader, ref int? cached, ref int? cacheWrite)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("cached_tokens"u8))
            {
                cached = ReadInt(ref reader) ?? cached;
            }
            else if (reader.ValueTextEquals("cache_write_tokens"u8))
            {
                cacheWrite = ReadInt(ref reader) ?? cacheWrite;
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
    }

    private static decimal? ReadDecimalDetail(ref Utf8JsonReader reader, ReadOnlySpan<byte> name)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return null;
        }

        decimal? value = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals(name))
            {
                value = ReadDecimal(ref reader) ?? value;
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return value;
    }

    /// <summary>
    /// A money amount, exact: <c>0.00001305</c> stays 0.00001305 (never through <see cref="double"/>). A number beyond a
    /// decimal's range (about ±7.9e28) is left unknown; there is no double fallback, since every number a double could
    /// still turn into a decimal already reads as one.
    /// </summary>
    private static decimal? ReadDecimal(ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.Number)
        {
            reader.Skip();
            return null;
        }

        return reader.TryGetDecimal(out var exact) ? exact : null;
    }

    private static int? ReadInt(ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.Number)
        {
            reader.Skip();
            return null;
        }

        // Counts beyond int's range are clamped to int.MaxValue (or int.MinValue), never wrapped.
        return reader.TryGetInt64(out var value) ? Clamp(value) : reader.TryGetDouble(out var d) ? (int)Math.Clamp(d, int.MinValue, int.MaxValue) : null;
    }

    private enum Field
    {
        Other,
        Prompt,
        Completion,
        Total,
        Cached,
        Reasoning,
        PromptDetails,
        CompletionDetails,
        Cost,
        CostDetails,
        Byok,
    }
}

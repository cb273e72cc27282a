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
            if (reader.ValueTextEquals("prompt_tokens"u8))
            {
                prompt = ReadInt(ref reader) ?? prompt;
            }
            else if (reader.ValueTextEquals("completion_tokens"u8))
            {
                completion = ReadInt(ref reader) ?? completion;
            }
            else if (reader.ValueTextEquals("total_tokens"u8))
            {
                total = ReadInt(ref reader) ?? total;
            }
            else if (reader.ValueTextEquals("cached_tokens"u8))
            {
                cachedTop = ReadInt(ref reader) ?? cachedTop;
            }
            else if (reader.ValueTextEquals("reasoning_tokens"u8))
            {
                reasoningTop = ReadInt(ref reader) ?? reasoningTop; // SGLang's top-level extra
            }
            else if (reader.ValueTextEquals("prompt_tokens_details"u8))
            {
                ReadPromptDetails(ref reader, ref cachedNested, ref cacheWrite);
            }
            else if (reader.ValueTextEquals("completion_tokens_details"u8))
            {
                reasoningNested = ReadDetail(ref reader, "reasoning_tokens"u8) ?? reasoningNested;
            }
            else if (reader.ValueTextEquals("cost"u8))
            {
                cost = ReadDecimal(ref reader) ?? cost;
            }
            else if (reader.ValueTextEquals("cost_details"u8))
            {
                upstreamCost = ReadDecimalDetail(ref reader, "upstream_inference_cost"u8) ?? upstreamCost;
            }
            else if (reader.ValueTextEquals("is_byok"u8))
            {
                reader.Read();
                if (reader.TokenType is JsonTokenType.True or JsonTokenType.False)
                {
                    byok = reader.GetBoolean();
                }
                else
                {
                    reader.Skip(); // an object or array is passed over whole: nothing inside it is read as ours
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
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
}

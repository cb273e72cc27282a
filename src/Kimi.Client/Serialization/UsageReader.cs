using System.Text.Json;

namespace Kimi.Client.Serialization;

/// <summary>
/// Reads a <c>usage</c> object wherever a host puts it (top level or inside the choice) and normalizes it: cached tokens
/// counted once whichever field carried them, reasoning tokens always inside the output, counts clamped instead of
/// wrapped, and details the host did not report left unknown (conformance 14–19, 38g).
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

        int? prompt = null, completion = null, total = null, cachedTop = null, cachedNested = null, reasoningTop = null, reasoningNested = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("prompt_tokens"u8))
            {
                prompt = ReadInt(ref reader);
            }
            else if (reader.ValueTextEquals("completion_tokens"u8))
            {
                completion = ReadInt(ref reader);
            }
            else if (reader.ValueTextEquals("total_tokens"u8))
            {
                total = ReadInt(ref reader);
            }
            else if (reader.ValueTextEquals("cached_tokens"u8))
            {
                cachedTop = ReadInt(ref reader);
            }
            else if (reader.ValueTextEquals("reasoning_tokens"u8))
            {
                reasoningTop = ReadInt(ref reader); // SGLang's top-level extra
            }
            else if (reader.ValueTextEquals("prompt_tokens_details"u8))
            {
                cachedNested = ReadDetail(ref reader, "cached_tokens"u8) ?? cachedNested;
            }
            else if (reader.ValueTextEquals("completion_tokens_details"u8))
            {
                reasoningNested = ReadDetail(ref reader, "reasoning_tokens"u8) ?? reasoningNested;
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

        return NormalizeUsage(prompt ?? 0, completion ?? 0, total, cachedTop ?? cachedNested, reasoningNested ?? reasoningTop); // unreported details stay null (conformance 38g)
    }

    /// <summary>
    /// Conformance 18–19: cached counted once (top level first); reasoning outside completion tokens is added back. It is
    /// outside when it exceeds the completion tokens, or when the reported total is prompt + completion + reasoning.
    /// Sums are computed in <see cref="long"/> and clamped to <see cref="int.MaxValue"/> (they never wrap negative).
    /// </summary>
    internal static TokenUsage NormalizeUsage(int prompt, int completion, int? total, int? cached, int? reasoningReported)
    {
        long output = completion;
        var reasoning = reasoningReported ?? 0;
        if (reasoning > 0 && (reasoning > completion || total == (long)prompt + completion + reasoning))
        {
            output += reasoning;
            total = null; // recomputed below: the reported total left reasoning out too, or already equals the sum
        }

        var clampedOutput = Clamp(output);
        return new TokenUsage(prompt, clampedOutput, total ?? Clamp((long)prompt + clampedOutput), cached, reasoningReported);
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
                value = ReadInt(ref reader);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return value;
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

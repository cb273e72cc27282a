using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Kimi.Client.Benchmarks.Floor;

/// <summary>
/// Reads chat-completion JSON (streamed chunks or one response) with a <see cref="Utf8JsonReader"/>: text and reasoning
/// are unescaped into a pooled char buffer and appended to <see cref="StringBuilder"/>s, argument fragments are
/// unescaped straight into a byte buffer. No per-chunk objects. One per call.
/// </summary>
internal sealed class FloorResponseReader(bool whole) : IDisposable
{
    private readonly StringBuilder _content = new();
    private string? _contentText, _reasoningText; // a whole response: one string each, no builder
    private StringBuilder? _reasoning;
    private ArrayBufferWriter<byte>? _arguments;
    private string? _toolName;
    private int _totalTokens;
    private char[] _scratch = ArrayPool<char>.Shared.Rent(512);

    /// <summary>Parses one SSE data payload; true for <c>[DONE]</c>.</summary>
    public bool ParseEvent(ReadOnlySpan<byte> data)
    {
        if (data.SequenceEqual("[DONE]"u8))
        {
            return true;
        }

        var reader = new Utf8JsonReader(data);
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("choices"u8))
            {
                reader.Read();
                ReadChoices(ref reader);
            }
            else if (reader.ValueTextEquals("usage"u8))
            {
                reader.Read();
                ReadUsage(ref reader);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return false;
    }

    public FloorResult ToResult() => new(
        _contentText ?? _content.ToString(),
        _reasoningText ?? _reasoning?.ToString(),
        _toolName,
        _arguments is null ? null : Encoding.UTF8.GetString(_arguments.WrittenSpan),
        _totalTokens);

    public void Dispose()
    {
        ArrayPool<char>.Shared.Return(_scratch);
        _scratch = [];
    }

    private void ReadChoices(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Skip();
            return;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
        {
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("delta"u8) || reader.ValueTextEquals("message"u8))
                {
                    reader.Read();
                    ReadDelta(ref reader);
                }
                else if (reader.ValueTextEquals("usage"u8))
                {
                    reader.Read();
                    ReadUsage(ref reader);
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
        }
    }

    private void ReadDelta(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("content"u8))
            {
                reader.Read();
                if (whole)
                {
                    _contentText = reader.GetString();
                }
                else
                {
                    Append(ref reader, _content);
                }
            }
            else if (reader.ValueTextEquals("reasoning_content"u8))
            {
                reader.Read();
                if (whole)
                {
                    _reasoningText = reader.GetString();
                }
                else
                {
                    Append(ref reader, _reasoning ??= new StringBuilder());
                }
            }
            else if (reader.ValueTextEquals("tool_calls"u8))
            {
                reader.Read();
                ReadToolCalls(ref reader);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
    }

    private void ReadToolCalls(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Skip();
            return;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
        {
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("function"u8))
                {
                    reader.Read();
                    while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                    {
                        if (reader.ValueTextEquals("name"u8))
                        {
                            reader.Read();
                            _toolName ??= reader.GetString();
                        }
                        else if (reader.ValueTextEquals("arguments"u8))
                        {
                            reader.Read();
                            var buffer = _arguments ??= new ArrayBufferWriter<byte>(2048);
                            buffer.Advance(reader.CopyString(buffer.GetSpan(reader.ValueSpan.Length)));
                        }
                        else
                        {
                            reader.Read();
                            reader.Skip();
                        }
                    }
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
        }
    }

    private void ReadUsage(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isTotal = reader.ValueTextEquals("total_tokens"u8);
            reader.Read();
            if (isTotal)
            {
                _totalTokens = reader.GetInt32();
            }
            else
            {
                reader.Skip();
            }
        }
    }

    private void Append(ref Utf8JsonReader reader, StringBuilder target)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            reader.Skip();
            return;
        }

        var needed = reader.HasValueSequence ? (int)reader.ValueSequence.Length : reader.ValueSpan.Length; // UTF-8 bytes ≥ UTF-16 chars
        if (_scratch.Length < needed)
        {
            ArrayPool<char>.Shared.Return(_scratch);
            _scratch = ArrayPool<char>.Shared.Rent(needed);
        }

        target.Append(_scratch, 0, reader.CopyString(_scratch));
    }
}

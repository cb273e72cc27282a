using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Kimi.Client.Benchmarks.Floor;

/// <summary>
/// Reads chat-completion JSON (streamed chunks or one response) with a <see cref="Utf8JsonReader"/> straight from the
/// event bytes: text and reasoning are unescaped into pooled char buffers (one final string each, no builder chunks),
/// argument fragments into a pooled byte buffer. No per-chunk objects. One per call; dispose it to return the buffers.
/// </summary>
internal sealed class FloorResponseReader(bool whole) : IDisposable
{
    private CharBuffer _content;
    private CharBuffer _reasoning;
    private byte[] _arguments = [];
    private int _argumentsLength;
    private string? _contentText, _reasoningText; // a whole response: one string each, no buffer
    private string? _toolName;
    private int _totalTokens;

    /// <summary>Parses one SSE data payload; true for <c>[DONE]</c>.</summary>
    public bool ParseEvent(ReadOnlySpan<byte> data)
    {
        if (data.Length == 6 && data.SequenceEqual("[DONE]"u8))
        {
            return true;
        }

        var reader = new Utf8JsonReader(data);
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (Is(ref reader, "choices"u8))
            {
                reader.Read();
                ReadChoices(ref reader);
            }
            else if (Is(ref reader, "usage"u8))
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
        _contentText ?? _content.ToString() ?? string.Empty,
        _reasoningText ?? _reasoning.ToString(),
        _toolName,
        _arguments.Length == 0 ? null : Encoding.UTF8.GetString(_arguments, 0, _argumentsLength),
        _totalTokens);

    public void Dispose()
    {
        _content.Dispose();
        _reasoning.Dispose();
        if (_arguments.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_arguments);
            _arguments = [];
        }
    }

    // Property names arrive unescaped in practice: compare the raw bytes, and fall back to the unescaping compare otherwise.
    private static bool Is(ref Utf8JsonReader reader, ReadOnlySpan<byte> name) =>
        reader.ValueIsEscaped ? reader.ValueTextEquals(name) : reader.ValueSpan.SequenceEqual(name);

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
                if (Is(ref reader, "delta"u8) || Is(ref reader, "message"u8))
                {
                    reader.Read();
                    ReadDelta(ref reader);
                }
                else if (Is(ref reader, "usage"u8))
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
            if (Is(ref reader, "content"u8))
            {
                reader.Read();
                if (whole)
                {
                    _contentText = reader.GetString();
                }
                else
                {
                    _content.Append(ref reader);
                }
            }
            else if (Is(ref reader, "reasoning_content"u8))
            {
                reader.Read();
                if (whole)
                {
                    _reasoningText = reader.GetString();
                }
                else
                {
                    _reasoning.Append(ref reader);
                }
            }
            else if (Is(ref reader, "tool_calls"u8))
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
                if (Is(ref reader, "function"u8))
                {
                    reader.Read();
                    while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                    {
                        if (Is(ref reader, "name"u8))
                        {
                            reader.Read();
                            _toolName ??= reader.GetString();
                        }
                        else if (Is(ref reader, "arguments"u8))
                        {
                            reader.Read();
                            AppendArguments(ref reader);
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
            var isTotal = Is(ref reader, "total_tokens"u8);
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

    /// <summary>Unescapes an argument fragment straight into the pooled byte buffer (unescaped UTF-8 is never longer).</summary>
    private void AppendArguments(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            reader.Skip();
            return;
        }

        var needed = _argumentsLength + reader.ValueSpan.Length;
        if (_arguments.Length < needed)
        {
            var larger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, 2048));
            _arguments.AsSpan(0, _argumentsLength).CopyTo(larger);
            if (_arguments.Length > 0)
            {
                ArrayPool<byte>.Shared.Return(_arguments);
            }

            _arguments = larger;
        }

        _argumentsLength += reader.CopyString(_arguments.AsSpan(_argumentsLength));
    }

    /// <summary>A pooled, growing UTF-16 buffer: fragments are unescaped straight into it; one string at the end.</summary>
    private struct CharBuffer
    {
        private char[]? _chars;
        private int _length;

        public void Append(ref Utf8JsonReader reader)
        {
            if (reader.TokenType != JsonTokenType.String)
            {
                reader.Skip();
                return;
            }

            var needed = _length + reader.ValueSpan.Length; // UTF-8 bytes ≥ UTF-16 chars (single-segment reader)
            if (_chars is null || _chars.Length < needed)
            {
                var larger = ArrayPool<char>.Shared.Rent(Math.Max(needed, Math.Max(1024, (_chars?.Length ?? 0) * 2)));
                if (_chars is not null)
                {
                    _chars.AsSpan(0, _length).CopyTo(larger);
                    ArrayPool<char>.Shared.Return(_chars);
                }

                _chars = larger;
            }

            _length += reader.CopyString(_chars.AsSpan(_length));
        }

        public override readonly string? ToString() => _chars is null ? null : new string(_chars, 0, _length);

        public void Dispose()
        {
            if (_chars is not null)
            {
                ArrayPool<char>.Shared.Return(_chars);
                _chars = null;
            }
        }
    }
}

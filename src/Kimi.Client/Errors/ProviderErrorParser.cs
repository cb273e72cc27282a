using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Kimi.Client.Errors;

/// <summary>
/// Reads the five error body shapes (conformance 29), DeepInfra's in-stream <c>error_type</c>/<c>error_message</c> and the
/// <c>{"success":false,"errors":[…]}</c> envelope (Cloudflare, conformance 39):
/// <c>{"error":{…}}</c>, flat <c>{"object":"error",…}</c>, problem details <c>{"status","title","detail"}</c>,
/// flat <c>{"message","type","code"}</c>, FastAPI <c>{"detail":[…]}</c>, and anything else as text. A router's envelope
/// (OpenRouter) is unwrapped: the upstream's error inside <c>metadata.raw</c> (a JSON string, an object or plain text) gives
/// the message and type, and the router's metadata and availability fields are kept beside them (conformance 35).
/// </summary>
internal static class ProviderErrorParser
{
    private const int MaxRawTextLength = 500;

    public static KimiProviderError Parse(ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty || body.Trim(" \t\r\n"u8).IsEmpty)
        {
            return new KimiProviderError(null);
        }

        try
        {
            using var document = JsonDocument.Parse(body.ToArray());
            return Parse(document.RootElement) ?? new KimiProviderError(Truncate(Encoding.UTF8.GetString(body)));
        }
        catch (JsonException)
        {
            return new KimiProviderError(Truncate(Encoding.UTF8.GetString(body)));
        }
    }

    /// <summary>Reads an error from a JSON value; <see langword="null"/> when it has no recognizable error fields.</summary>
    public static KimiProviderError? Parse(JsonElement root)
    {
        if (root.ValueKind == JsonValueKind.String)
        {
            return new KimiProviderError(root.GetString());
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        // 1. OpenAI envelope: {"error":{"message","type","code","param"}} (error may also be a bare string).
        if (root.TryGetProperty("error", out var error))
        {
            if (error.ValueKind == JsonValueKind.Object)
            {
                return ParseErrorObject(error);
            }

            if (error.ValueKind == JsonValueKind.String)
            {
                // Ollama's native shape: {"error":"unauthorized","signin_url":"…"}; the other text fields are kept as details.
                return new KimiProviderError(error.GetString(), Text(root, "type"), Text(root, "code")) { Details = OtherText(root) };
            }
        }

        // 6. Envelope with an error list: {"result":null,"success":false,"errors":[{"code":7003,"message":"…"}],"messages":[]}.
        if (root.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array && errors.GetArrayLength() > 0)
        {
            string? firstCode = null;
            var messages = new StringBuilder();
            foreach (var item in errors.EnumerateArray())
            {
                var itemMessage = item.ValueKind == JsonValueKind.Object ? Text(item, "message") : item.ValueKind == JsonValueKind.String ? item.GetString() : null;
                firstCode ??= item.ValueKind == JsonValueKind.Object ? Text(item, "code") : null;
                if (itemMessage is { Length: > 0 })
                {
                    messages.Append(messages.Length > 0 ? "; " : string.Empty).Append(itemMessage);
                }
            }

            return new KimiProviderError(messages.Length > 0 ? messages.ToString() : null, null, firstCode);
        }

        // DeepInfra in-stream: {"error_type":"validation_error","error_message":"{\"error\":{\"message\":\"bad\"}}"}.
        if (root.TryGetProperty("error_type", out _) || root.TryGetProperty("error_message", out _))
        {
            var type = Text(root, "error_type");
            var message = Text(root, "error_message");
            if (message is { Length: > 0 } && message[0] == '{')
            {
                try
                {
                    using var inner = JsonDocument.Parse(message);
                    var nested = Parse(inner.RootElement);
                    if (nested is not null)
                    {
                        return new KimiProviderError(nested.Message, nested.Type ?? type, nested.Code, nested.Param);
                    }
                }
                catch (JsonException)
                {
                    // Not JSON after all: keep the text.
                }
            }

            return new KimiProviderError(message, type);
        }

        // 5. FastAPI validation: {"detail":[{"loc":["body","messages",2],"msg":"…"}]} or {"detail":"text"} (without status/title).
        if (root.TryGetProperty("detail", out var detail) && !root.TryGetProperty("title", out _) && !HasNumericStatus(root))
        {
            if (detail.ValueKind == JsonValueKind.Array)
            {
                var sb = new StringBuilder();
                foreach (var item in detail.EnumerateArray())
                {
                    if (sb.Length > 0)
                    {
                        sb.Append("; ");
                    }

                    if (item.ValueKind == JsonValueKind.Object && item.TryGetProperty("loc", out var loc) && loc.ValueKind == JsonValueKind.Array)
                    {
                        sb.AppendJoin('.', loc.EnumerateArray().Select(static l => l.ToString()));
                        sb.Append(": ");
                    }

                    sb.Append(item.ValueKind == JsonValueKind.Object ? Text(item, "msg") ?? item.GetRawText() : item.ToString());
                }

                return new KimiProviderError(sb.ToString(), "validation_error");
            }

            return new KimiProviderError(detail.ToString(), Text(root, "type"));
        }

        // 3. Problem details: {"status":404,"title":"Not Found","detail":"Function '…': Not found for account '…'"}.
        if (root.TryGetProperty("title", out _) || HasNumericStatus(root))
        {
            var title = Text(root, "title");
            var text = Text(root, "detail") ?? title;
            return new KimiProviderError(text, title ?? Text(root, "type"), Text(root, "status"));
        }

        // 2 and 4. Flat: {"object":"error","message","type","param","code"} and {"message","type","code"}.
        if (root.TryGetProperty("message", out _))
        {
            return new KimiProviderError(Text(root, "message"), Text(root, "type"), Text(root, "code"), Text(root, "param"));
        }

        return null;
    }

    /// <summary>
    /// Reads an <c>error</c> object: <c>message</c>, <c>type</c>, <c>code</c> (else <c>http_status</c>), <c>param</c>, and a router's
    /// <c>metadata</c> (<c>raw</c> unwrapped, <c>provider_name</c>, <c>error_type</c>, <c>provider_code</c>, retry hints) and
    /// <c>availability</c> (<c>code</c>, <c>retryable</c>, <c>retry_after</c>, <c>excluded_by</c>).
    /// </summary>
    public static KimiProviderError ParseErrorObject(JsonElement error)
    {
        if (error.ValueKind != JsonValueKind.Object)
        {
            return new KimiProviderError(error.ValueKind == JsonValueKind.String ? error.GetString() : null);
        }

        var message = Text(error, "message");
        var type = Text(error, "type");
        var param = Text(error, "param");
        string? gateway = null, upstream = null, raw = null, providerCode = null;
        var errorType = Text(error, "error_type");
        TimeSpan? retryAfter = null;
        if (error.TryGetProperty("metadata", out var metadata) && metadata.ValueKind == JsonValueKind.Object)
        {
            upstream = Text(metadata, "provider_name");
            errorType = Text(metadata, "error_type") ?? errorType;
            providerCode = Text(metadata, "provider_code");
            retryAfter = Seconds(metadata, "retry_after_seconds") ??
                         (metadata.TryGetProperty("headers", out var headers) && headers.ValueKind == JsonValueKind.Object ? Seconds(headers, "Retry-After") : null);
            if (metadata.TryGetProperty("raw", out var rawValue) && rawValue.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined))
            {
                raw = rawValue.ValueKind == JsonValueKind.String ? rawValue.GetString() : rawValue.GetRawText();
                if (Unwrap(rawValue) is { Message: { Length: > 0 } inner } upstreamError)
                {
                    gateway = message; // "Provider returned error": the router's words, kept beside the upstream's
                    message = inner;
                    type = upstreamError.Type ?? type;
                    param ??= upstreamError.Param;
                }
            }
        }

        string? availability = null;
        bool? retryable = null;
        string[]? excludedBy = null;
        if (error.TryGetProperty("availability", out var available) && available.ValueKind == JsonValueKind.Object)
        {
            availability = Text(available, "code");
            retryable = available.TryGetProperty("retryable", out var flag) && flag.ValueKind is JsonValueKind.True or JsonValueKind.False ? flag.GetBoolean() : null;
            retryAfter = Seconds(available, "retry_after") ?? retryAfter;
            if (available.TryGetProperty("excluded_by", out var excluded) && excluded.ValueKind == JsonValueKind.Array)
            {
                excludedBy = [.. excluded.EnumerateArray().Select(static e => e.ValueKind == JsonValueKind.String ? e.GetString()! : e.GetRawText())];
            }
        }

        return new KimiProviderError(message, type, Text(error, "code") ?? Text(error, "http_status"), param)
        {
            GatewayMessage = gateway,
            UpstreamProvider = upstream,
            RawUpstreamError = raw is null ? null : Truncate(raw),
            ErrorType = errorType,
            ProviderCode = providerCode,
            AvailabilityCode = availability,
            ExcludedBy = excludedBy,
            IsRetryable = retryable,
            RetryAfter = retryAfter,
        };
    }

    /// <summary>The upstream error inside <c>metadata.raw</c>: a JSON string parsed again, an object, or plain text as the message.</summary>
    private static KimiProviderError? Unwrap(JsonElement raw)
    {
        if (raw.ValueKind == JsonValueKind.Object)
        {
            return Parse(raw);
        }

        if (raw.ValueKind != JsonValueKind.String || raw.GetString()!.Trim() is not { Length: > 0 } text)
        {
            return null;
        }

        if (text[0] is '{' or '[')
        {
            try
            {
                using var inner = JsonDocument.Parse(text);
                if (Parse(inner.RootElement) is { } parsed)
                {
                    return parsed;
                }
            }
            catch (JsonException)
            {
                // Not JSON after all: the text is the message.
            }
        }

        return new KimiProviderError(Truncate(text));
    }

    /// <summary>A wait in seconds (a number, or a number as text), or <see langword="null"/> when absent, negative or absurd.</summary>
    private static TimeSpan? Seconds(JsonElement element, string name)
    {
        if (!element.TryGetProperty(name, out var value))
        {
            return null;
        }

        var seconds = value.ValueKind switch
        {
            JsonValueKind.Number when value.TryGetDouble(out var number) => number,
            JsonValueKind.String when double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) => parsed,
            _ => -1,
        };
        return seconds >= 0 && seconds < TimeSpan.MaxValue.TotalSeconds ? TimeSpan.FromSeconds(seconds) : null;
    }

    private static bool HasNumericStatus(JsonElement root) => root.TryGetProperty("status", out var status) && status.ValueKind == JsonValueKind.Number;

    // A pattern rather than a static list: cheaper than a search, and each name is its own branch (mutation testing switches
    // mutants at run time, which a static initializer that ran once cannot follow).
    private static bool IsKnownField(string name) => name is "error" or "type" or "code" or "message" or "param" or "object";

    private static Dictionary<string, string>? OtherText(JsonElement root)
    {
        Dictionary<string, string>? details = null;
        foreach (var property in root.EnumerateObject())
        {
            if (property.Value.ValueKind == JsonValueKind.String && !IsKnownField(property.Name))
            {
                (details ??= new Dictionary<string, string>(StringComparer.Ordinal))[property.Name] = property.Value.GetString()!;
            }
        }

        return details;
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value)
            ? value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.Null or JsonValueKind.Undefined => null,
                _ => value.GetRawText(),
            }
            : null;

    private static string Truncate(string text) =>
        text.Length <= MaxRawTextLength ? text.Trim() : string.Concat(text.AsSpan(0, MaxRawTextLength).Trim(), "…");
}

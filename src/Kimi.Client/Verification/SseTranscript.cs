using System.Text;
using System.Text.Json;

namespace Kimi.Client.Verification;

/// <summary>A captured response body read back as the host wrote it: a JSON body, or the data lines of an event stream.</summary>
internal sealed class SseTranscript
{
    private SseTranscript(List<string> data, bool endsWithDone, bool extraAfterDone)
    {
        Data = data;
        EndsWithDone = endsWithDone;
        ExtraAfterDone = extraAfterDone;
    }

    /// <summary>The <c>data:</c> payloads in order, <c>[DONE]</c> included.</summary>
    public IReadOnlyList<string> Data { get; }

    public bool HasDone => Data.Contains("[DONE]");

    /// <summary>Whether the last event is <c>[DONE]</c>.</summary>
    public bool EndsWithDone { get; }

    /// <summary>Whether anything but blank lines and comments came after <c>[DONE]</c>.</summary>
    public bool ExtraAfterDone { get; }

    public static SseTranscript Parse(byte[] body)
    {
        var data = new List<string>();
        var extra = false;
        var done = false;
        var pending = new StringBuilder();
        foreach (var raw in Encoding.UTF8.GetString(body).Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0)
            {
                if (pending.Length > 0)
                {
                    var payload = pending.ToString();
                    extra |= done;
                    done |= payload == "[DONE]";
                    data.Add(payload);
                    pending.Clear();
                }

                continue;
            }

            if (line.StartsWith(':'))
            {
                continue; // a comment (keep-alive)
            }

            if (line.StartsWith("data:", StringComparison.Ordinal))
            {
                pending.Append(pending.Length > 0 ? "\n" : string.Empty).Append(line.AsSpan(line.Length > 5 && line[5] == ' ' ? 6 : 5));
            }
            else
            {
                extra |= done;
            }
        }

        if (pending.Length > 0)
        {
            extra |= done;
            data.Add(pending.ToString());
        }

        return new SseTranscript(data, data.Count > 0 && data[^1] == "[DONE]" && !extra, extra);
    }

    /// <summary>The JSON documents of the stream's events (or the single body), skipping what is not JSON.</summary>
    public static IEnumerable<JsonElement> Json(WireExchange exchange)
    {
        var payloads = exchange.IsEventStream ? Parse(exchange.Body).Data.Where(static d => d != "[DONE]") : [Encoding.UTF8.GetString(exchange.Body)];
        foreach (var payload in payloads)
        {
            JsonElement element;
            try
            {
                using var document = JsonDocument.Parse(payload);
                element = document.RootElement.Clone();
            }
            catch (JsonException)
            {
                continue;
            }

            yield return element;
        }
    }
}

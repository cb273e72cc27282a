using System.Text.Json.Nodes;

namespace Kimi.Client.Tests.Serialization;

/// <summary>
/// The exact body a profile sends for a one-message call with defaults, plus the fields a test adds. The defaults are
/// pinned literally by <see cref="RequestWireTests.PlainChat"/> and <see cref="ThinkingSwitchTests.ThinkingOff"/>.
/// </summary>
internal static class ExpectedRequest
{
    public const string UserHello = """{"role":"user","content":"Hello"}""";

    /// <summary>The whole expected body: the profile's defaults, then <paramref name="fields"/> merged over them at the top level, minus <paramref name="without"/>.</summary>
    public static string For(KimiProvider provider, string? fields = null, ThinkingMode thinking = ThinkingMode.Enabled, bool stream = false, string messages = $"[{UserHello}]", string[]? without = null)
    {
        var body = new JsonObject
        {
            ["model"] = RecordingServer.Model(provider),
            ["messages"] = JsonNode.Parse(messages),
        };
        var off = thinking == ThinkingMode.Disabled;
        switch (provider.Name)
        {
            case "Moonshot":
                body["thinking"] = off ? new JsonObject { ["type"] = "disabled" } : new JsonObject { ["type"] = "enabled" };
                body["max_completion_tokens"] = 16000;
                break;
            case "DeepInfra":
                if (off)
                {
                    body["reasoning_effort"] = "none";
                }

                break;
            default:
                body["chat_template_kwargs"] = new JsonObject { ["thinking"] = !off };
                break;
        }

        if (provider != KimiProvider.Moonshot)
        {
            body["temperature"] = off ? 0.6m : 1.0m;
            body["top_p"] = 0.95m;
        }

        if (stream)
        {
            body["stream"] = true;
            if (provider != KimiProvider.DeepInfra)
            {
                body["stream_options"] = new JsonObject { ["include_usage"] = true };
            }
        }

        if (fields is not null)
        {
            foreach (var (key, value) in JsonNode.Parse(fields)!.AsObject())
            {
                body[key] = value?.DeepClone();
            }
        }

        foreach (var key in without ?? [])
        {
            body.Remove(key);
        }

        return body.ToJsonString();
    }
}

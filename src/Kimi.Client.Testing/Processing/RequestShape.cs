using System.Text.Json;

namespace Kimi.Client.Testing.Processing;

/// <summary>The structural checks every dialect makes before its own rules (a FastAPI/pydantic-style schema check).</summary>
internal static class RequestShape
{
    private static readonly string[] Roles = ["system", "developer", "user", "assistant", "tool"];

    public static ValidationProblem? Check(JsonElement body, bool modelRequired)
    {
        if (!body.TryGetProperty("model", out JsonElement model) || model.ValueKind == JsonValueKind.Null)
        {
            if (modelRequired)
            {
                return new("missing", ["body", "model"], "Field required", body, "'model' is required");
            }
        }
        else if (model.ValueKind != JsonValueKind.String)
        {
            return new("string_type", ["body", "model"], "Input should be a valid string", model, "'model' must be a string");
        }

        if (!body.TryGetProperty("messages", out JsonElement messages) || messages.ValueKind == JsonValueKind.Null)
        {
            return new("missing", ["body", "messages"], "Field required", body, "'messages' is required");
        }

        if (messages.ValueKind != JsonValueKind.Array)
        {
            return new("list_type", ["body", "messages"], "Input should be a valid list", messages, "'messages' must be an array");
        }

        if (messages.GetArrayLength() == 0)
        {
            return new("too_short", ["body", "messages"], "List should have at least 1 item after validation, not 0", messages,
                "'messages' must not be empty");
        }

        int index = 0;
        foreach (JsonElement message in messages.EnumerateArray())
        {
            if (message.ValueKind != JsonValueKind.Object)
            {
                return new("model_attributes_type", ["body", "messages", index], "Input should be a valid dictionary or object to extract fields from",
                    message, $"messages[{index}] must be an object");
            }

            if (!message.TryGetProperty("role", out JsonElement role) || role.ValueKind != JsonValueKind.String)
            {
                return new("union_tag_not_found", ["body", "messages", index], "Unable to extract tag using discriminator 'role'",
                    message, $"messages[{index}] has no 'role'");
            }

            string name = role.GetString()!;
            if (Array.IndexOf(Roles, name) < 0)
            {
                return new("union_tag_invalid", ["body", "messages", index],
                    $"Input tag '{name}' found using 'role' does not match any of the expected tags: 'system', 'developer', 'user', 'assistant', 'tool'",
                    message, $"messages[{index}] has an unknown role '{name}'");
            }

            index++;
        }

        if (body.TryGetProperty("stream", out JsonElement stream)
            && stream.ValueKind is not (JsonValueKind.True or JsonValueKind.False or JsonValueKind.Null))
        {
            return new("bool_type", ["body", "stream"], "Input should be a valid boolean", stream, "'stream' must be a boolean");
        }

        return null;
    }
}

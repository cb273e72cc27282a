using System.Text.Json;

namespace Kimi.Client.Testing.Processing;

/// <summary>A well-formed chat-completions request, with what the dialect read from it.</summary>
internal sealed class ChatRequestContext
{
    public ChatRequestContext(EmulatorRequest request, string model, EmulatedThinking thinking)
    {
        Request = request;
        Body = request.Json;
        Messages = Body.GetProperty("messages");
        Model = model;
        Thinking = thinking;
        IncludeUsage = Body.TryGetProperty("stream_options", out JsonElement options)
            && options.ValueKind == JsonValueKind.Object
            && options.TryGetProperty("include_usage", out JsonElement include)
            && include.ValueKind == JsonValueKind.True;
        MaxCompletionTokens = ReadInt("max_completion_tokens") ?? ReadInt("max_tokens");
        PromptTokens = Math.Max(1, TokenEstimate.Of(Messages.GetRawText())
            + (Body.TryGetProperty("tools", out JsonElement tools) ? TokenEstimate.Of(tools.GetRawText()) : 0));
        PriorToolCalls = CountToolCalls(Messages);
    }

    public EmulatorRequest Request { get; }

    public JsonElement Body { get; }

    /// <summary>Gets the <c>messages</c> array (checked to be a non-empty array of objects with a role).</summary>
    public JsonElement Messages { get; }

    /// <summary>Gets the model echoed in the response.</summary>
    public string Model { get; }

    public EmulatedThinking Thinking { get; }

    /// <summary>Gets the deviations in force for this request.</summary>
    public ISet<EmulatorDeviation> Deviations { get; init; } = new HashSet<EmulatorDeviation>();

    public bool Has(EmulatorDeviation deviation) => Deviations.Contains(deviation);

    public bool Stream => Request.Stream;

    public bool IncludeUsage { get; }

    public int? MaxCompletionTokens { get; }

    public int PromptTokens { get; }

    /// <summary>Gets or sets the prompt tokens served from the emulated prefix cache (used when the reply sets none).</summary>
    public int CachedTokens { get; set; }

    /// <summary>Gets how many tool calls the conversation already holds: Kimi numbers tool-call ids across the conversation.</summary>
    public int PriorToolCalls { get; }

    private int? ReadInt(string name) =>
        Body.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int number)
            ? number
            : null;

    private static int CountToolCalls(JsonElement messages)
    {
        int count = 0;
        foreach (JsonElement message in messages.EnumerateArray())
        {
            if (message.TryGetProperty("tool_calls", out JsonElement calls) && calls.ValueKind == JsonValueKind.Array)
            {
                count += calls.GetArrayLength();
            }
        }

        return count;
    }
}

using System.Buffers;
using System.ClientModel;
using System.ClientModel.Primitives;
using System.Text;
using Kimi.Client.Benchmarks.Infrastructure;
using Kimi.Client.Benchmarks.Workloads;
using OpenAI;
using OpenAI.Chat;
using OpenAIChatCompletion = OpenAI.Chat.ChatCompletion;

namespace Kimi.Client.Benchmarks.Clients;

/// <summary>
/// The OpenAI SDK's typed API. Reasoning is not modelled, so it is read through the experimental <c>Patch</c> API
/// (<c>$.choices[0].delta.reasoning_content</c> on each update, <c>$.choices[0].message.reasoning_content</c> on a
/// completion) and written back with <c>Patch.Set("$.reasoning_content")</c> on assistant turns.
/// </summary>
public sealed class OpenAIBenchClient : BenchClient
{
    private readonly ChatClient _client;
    private readonly ChatMessage[] _prompt = [new SystemChatMessage(SystemPrompt), new UserChatMessage(UserPrompt)];
    private readonly ChatMessage[] _history;

    public OpenAIBenchClient()
        : base("OpenAI 2.15")
    {
        _client = new ChatClient(Model, new ApiKeyCredential(ApiKey), new OpenAIClientOptions
        {
            Endpoint = Endpoint,
            Transport = new HttpClientPipelineTransport(Http),
        });
        _history = ToMessages(WorkloadCatalog.LongHistory.History!);
    }

    /// <summary>The chat client itself, for MEAI's adapter.</summary>
    internal ChatClient Client => _client;

    public override async Task<RunResult> CompleteAsync() => ToResult((await _client.CompleteChatAsync(_prompt)).Value);

    public override async Task<RunResult> StreamAsync()
    {
        var content = new StringBuilder();
        StringBuilder? reasoning = null;
        ArrayBufferWriter<byte>? arguments = null;
        string? toolName = null;
        var totalTokens = 0;
        await foreach (var update in _client.CompleteChatStreamingAsync(_prompt))
        {
            var parts = update.ContentUpdate;
            for (var i = 0; i < parts.Count; i++)
            {
                content.Append(parts[i].Text);
            }

            if (update.Patch.TryGetValue("$.choices[0].delta.reasoning_content"u8, out string? delta) && delta is not null)
            {
                (reasoning ??= new StringBuilder()).Append(delta);
            }

            var calls = update.ToolCallUpdates;
            for (var i = 0; i < calls.Count; i++)
            {
                var call = calls[i];
                toolName ??= call.FunctionName;
                if (call.FunctionArgumentsUpdate is { } fragment)
                {
                    (arguments ??= new ArrayBufferWriter<byte>()).Write(fragment.ToMemory().Span);
                }
            }

            if (update.Usage is { } usage)
            {
                totalTokens = usage.TotalTokenCount;
            }
        }

        var text = content.ToString();
        var reasoningText = reasoning?.ToString();
        var argumentsText = arguments is null ? null : Encoding.UTF8.GetString(arguments.WrittenSpan);
        return new RunResult(text.Length, reasoningText?.Length ?? 0, totalTokens, toolName, argumentsText?.Length ?? 0);
    }

    public override async Task<RunResult> CompleteHistoryAsync() =>
        ToResult((await _client.CompleteChatAsync(_history)).Value) with { RequestBytes = Handler.LastRequestBytes };

    private static RunResult ToResult(OpenAIChatCompletion completion)
    {
        var contentLength = 0;
        foreach (var part in completion.Content)
        {
            contentLength += part.Text?.Length ?? 0;
        }

        completion.Patch.TryGetValue("$.choices[0].message.reasoning_content"u8, out string? reasoning);
        var call = completion.ToolCalls.Count > 0 ? completion.ToolCalls[0] : null;
        return new RunResult(
            contentLength,
            reasoning?.Length ?? 0,
            completion.Usage?.TotalTokenCount ?? 0,
            call?.FunctionName,
            call?.FunctionArguments.ToString().Length ?? 0);
    }

    internal static ChatMessage[] ToMessages(AgentHistory history)
    {
        var messages = new List<ChatMessage>(history.MessageCount) { new SystemChatMessage(history.System), new UserChatMessage(history.Task) };
        foreach (var turn in history.Turns)
        {
            var assistant = new AssistantChatMessage([ChatToolCall.CreateFunctionToolCall(turn.CallId, turn.ToolName, BinaryData.FromString(turn.Arguments))]);
            assistant.Patch.Set("$.reasoning_content"u8, turn.Reasoning);
            messages.Add(assistant);
            messages.Add(new ToolChatMessage(turn.CallId, turn.Result));
        }

        return [.. messages];
    }
}

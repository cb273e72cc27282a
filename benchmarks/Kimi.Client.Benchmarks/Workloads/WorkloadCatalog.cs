using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Kimi.Client.Benchmarks.Workloads;

/// <summary>The four workloads of issue 8, generated deterministically on first use.</summary>
public static class WorkloadCatalog
{
    private static readonly Lazy<Workload> NonStreamingValue = new(CreateNonStreaming);
    private static readonly Lazy<Workload> TextStreamingValue = new(CreateTextStreaming);
    private static readonly Lazy<Workload> ToolStreamingValue = new(CreateToolStreaming);
    private static readonly Lazy<Workload> LongHistoryValue = new(CreateLongHistory);
    private static readonly Lazy<(Workload Split, Workload Unsplit)> InlineReasoningValue = new(CreateInlineReasoningStreaming);

    /// <summary>About 3 KB: about 2 KB of text, 0.8 KB of reasoning, a usage block.</summary>
    public static Workload NonStreaming => NonStreamingValue.Value;

    /// <summary>1,002 chunks: 200 reasoning deltas, 800 content deltas of 1–4 words, a finish chunk, a usage chunk, then [DONE].</summary>
    public static Workload TextStreaming => TextStreamingValue.Value;

    /// <summary>20 reasoning deltas, then one tool call whose 1.7 KB arguments arrive in 200 fragments.</summary>
    public static Workload ToolStreaming => ToolStreamingValue.Value;

    /// <summary>An agent's 200-step history (reasoning + tool call, then the result) sent; a tiny completion back.</summary>
    public static Workload LongHistory => LongHistoryValue.Value;

    /// <summary>
    /// The text-streaming words with the reasoning inline in content, as a vLLM/SGLang/KTransformers server without
    /// <c>--reasoning-parser</c> streams them: 200 reasoning deltas, <c>" &lt;/th"</c>, <c>"ink&gt;"</c> joined to the first of
    /// 800 answer deltas, finish, usage (1,003 chunks). Expectations with the inline-reasoning splitter on.
    /// </summary>
    public static Workload InlineReasoningStreaming => InlineReasoningValue.Value.Split;

    /// <summary>The same bytes, expected as one text (the splitter off).</summary>
    public static Workload InlineReasoningStreamingUnsplit => InlineReasoningValue.Value.Unsplit;

    public static IReadOnlyList<Workload> All => [NonStreaming, TextStreaming, ToolStreaming, LongHistory];

    /// <summary>Inline reasoning is a Kimi.Client feature (the peers have no splitter), so it is not in <see cref="All"/>.</summary>
    public static IReadOnlyList<Workload> InlineReasoning => [InlineReasoningStreaming, InlineReasoningStreamingUnsplit];

    public static Workload Get(WorkloadKind kind) => kind switch
    {
        WorkloadKind.NonStreaming => NonStreaming,
        WorkloadKind.TextStreaming => TextStreaming,
        WorkloadKind.ToolStreaming => ToolStreaming,
        _ => LongHistory,
    };

    private static Workload CreateNonStreaming()
    {
        var words = new WordSource(11);
        var reasoning = words.Text(800);
        var content = words.Text(1950);
        var usage = new Usage(Prompt: 96, Completion: 610, Reasoning: 170, Cached: 64);
        var payload = new PayloadWriter();
        payload.Response(
            writer =>
            {
                writer.WriteString("content"u8, content);
                writer.WriteString("reasoning_content"u8, reasoning);
            },
            "stop",
            usage);
        return new Workload
        {
            Kind = WorkloadKind.NonStreaming,
            Name = "non-streaming",
            ResponseBody = payload.ToArray(),
            MediaType = "application/json",
            Chunks = 1,
            ContentLength = content.Length,
            ReasoningLength = reasoning.Length,
            TotalTokens = usage.Total,
        };
    }

    private static Workload CreateTextStreaming()
    {
        var words = new WordSource(23);
        var payload = new PayloadWriter();
        int reasoningLength = 0, contentLength = 0;
        for (var i = 0; i < 200; i++)
        {
            var delta = words.Words(1 + words.Next(4));
            reasoningLength += delta.Length;
            payload.Chunk(PayloadWriter.Delta("reasoning_content", delta, withRole: i == 0));
        }

        for (var i = 0; i < 800; i++)
        {
            var delta = words.Words(1 + words.Next(4));
            if (i % 40 == 39)
            {
                delta += ".\n\n"; // paragraph breaks: escapes on the wire
            }
            else if (i % 97 == 96)
            {
                delta = " \"" + delta.TrimStart() + "\"";
            }

            contentLength += delta.Length;
            payload.Chunk(PayloadWriter.Delta("content", delta));
        }

        var usage = new Usage(Prompt: 120, Completion: 1450, Reasoning: 350, Cached: 64);
        payload.Chunk(PayloadWriter.Finish("stop", usage));
        payload.Chunk(null, usage); // Moonshot's "choices":[] chunk with top-level usage
        var chunks = payload.Chunks;
        payload.Done();
        return new Workload
        {
            Kind = WorkloadKind.TextStreaming,
            Name = "text streaming",
            ResponseBody = payload.ToArray(),
            MediaType = "text/event-stream",
            Chunks = chunks,
            ContentLength = contentLength,
            ReasoningLength = reasoningLength,
            TotalTokens = usage.Total,
        };
    }

    private static (Workload, Workload) CreateInlineReasoningStreaming()
    {
        var words = new WordSource(23); // the text-streaming words, in the same order
        var payload = new PayloadWriter();
        int reasoningLength = 0, contentLength = 0;
        for (var i = 0; i < 200; i++)
        {
            var delta = words.Words(1 + words.Next(4));
            reasoningLength += delta.Length;
            payload.Chunk(PayloadWriter.Delta("content", delta, withRole: i == 0));
        }

        const string closeStart = " </th", closeEnd = "ink>"; // the tag cut across two chunks: the hold-back path runs
        payload.Chunk(PayloadWriter.Delta("content", closeStart));
        for (var i = 0; i < 800; i++)
        {
            var delta = words.Words(1 + words.Next(4));
            if (i % 40 == 39)
            {
                delta += ".\n\n";
            }
            else if (i % 97 == 96)
            {
                delta = " \"" + delta.TrimStart() + "\"";
            }

            contentLength += delta.Length;
            payload.Chunk(PayloadWriter.Delta("content", i == 0 ? closeEnd + delta : delta));
        }

        var usage = new Usage(Prompt: 120, Completion: 1450, Reasoning: 0, Cached: 64); // the server does not know what was reasoning
        payload.Chunk(PayloadWriter.Finish("stop", usage));
        payload.Chunk(null, usage);
        var chunks = payload.Chunks;
        payload.Done();
        var split = new Workload
        {
            Kind = WorkloadKind.InlineReasoningStreaming,
            Name = "inline-reasoning streaming",
            ResponseBody = payload.ToArray(),
            MediaType = "text/event-stream",
            Chunks = chunks,
            ContentLength = contentLength - 1, // the space after </think> goes with the tag
            ReasoningLength = reasoningLength, // the space before it too
            TotalTokens = usage.Total,
        };
        var unsplit = new Workload
        {
            Kind = split.Kind,
            Name = "inline-reasoning streaming (unsplit)",
            ResponseBody = split.ResponseBody,
            MediaType = split.MediaType,
            Chunks = chunks,
            ContentLength = reasoningLength + closeStart.Length + closeEnd.Length + contentLength,
            ReasoningLength = 0,
            TotalTokens = usage.Total,
        };
        return (split, unsplit);
    }

    private static Workload CreateToolStreaming()
    {
        var words = new WordSource(37);
        var payload = new PayloadWriter();
        var reasoningLength = 0;
        for (var i = 0; i < 20; i++)
        {
            var delta = words.Words(1 + words.Next(4));
            reasoningLength += delta.Length;
            payload.Chunk(PayloadWriter.Delta("reasoning_content", delta, withRole: i == 0));
        }

        var path = "docs/notes/streaming-plan.md";
        var mode = "overwrite";
        var fileText = words.Text(1560);
        var arguments = WriteArguments(("path", path), ("mode", mode), ("content", fileText));
        const string name = "write_file", id = "write_file_0";

        payload.Chunk(writer =>
        {
            writer.WriteStartObject("delta"u8);
            writer.WriteStartArray("tool_calls"u8);
            writer.WriteStartObject();
            writer.WriteNumber("index"u8, 0);
            writer.WriteString("id"u8, id);
            writer.WriteString("type"u8, "function"u8);
            writer.WriteStartObject("function"u8);
            writer.WriteString("name"u8, name);
            writer.WriteString("arguments"u8, ""u8);
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteEndArray();
            writer.WriteEndObject();
            writer.WriteNull("finish_reason"u8);
        });

        const int fragments = 200;
        for (var i = 0; i < fragments; i++)
        {
            var start = arguments.Length * i / fragments;
            var end = arguments.Length * (i + 1) / fragments;
            var fragment = arguments[start..end];
            payload.Chunk(writer =>
            {
                writer.WriteStartObject("delta"u8);
                writer.WriteStartArray("tool_calls"u8);
                writer.WriteStartObject();
                writer.WriteNumber("index"u8, 0);
                writer.WriteStartObject("function"u8);
                writer.WriteString("arguments"u8, fragment);
                writer.WriteEndObject();
                writer.WriteEndObject();
                writer.WriteEndArray();
                writer.WriteEndObject();
                writer.WriteNull("finish_reason"u8);
            });
        }

        var usage = new Usage(Prompt: 2048, Completion: 700, Reasoning: 60, Cached: 1024);
        payload.Chunk(PayloadWriter.Finish("tool_calls", usage));
        payload.Chunk(null, usage);
        var chunks = payload.Chunks;
        payload.Done();
        return new Workload
        {
            Kind = WorkloadKind.ToolStreaming,
            Name = "tool-call streaming",
            ResponseBody = payload.ToArray(),
            MediaType = "text/event-stream",
            Chunks = chunks,
            ContentLength = 0,
            ReasoningLength = reasoningLength,
            TotalTokens = usage.Total,
            ToolName = name,
            ArgumentsLength = arguments.Length,
            ArgumentFieldChars = "path".Length + path.Length + "mode".Length + mode.Length + "content".Length + fileText.Length,
        };
    }

    private static Workload CreateLongHistory()
    {
        var words = new WordSource(53);
        string[] tools = ["read_file", "run_command", "search_code", "write_file"];
        var turns = new List<AgentTurn>(200);
        for (var i = 0; i < 200; i++)
        {
            var tool = tools[i % tools.Length];
            var arguments = tool switch
            {
                "read_file" => WriteArguments(("path", $"src/Kimi.Client/Part{i}.cs")),
                "run_command" => WriteArguments(("command", $"dotnet test --filter Step{i}"), ("timeout_seconds", "120")),
                "search_code" => WriteArguments(("query", words.Words(3).TrimStart()), ("glob", "**/*.cs")),
                _ => WriteArguments(("path", $"src/Kimi.Client/Part{i}.cs"), ("content", words.Text(160))),
            };
            turns.Add(new AgentTurn(
                Reasoning: words.Text(260),
                CallId: $"{tool}_{i}",
                ToolName: tool,
                Arguments: arguments,
                Result: words.Text(420)));
        }

        var history = new AgentHistory(
            "You are a coding agent. Use the tools to inspect and change the repository; explain your plan briefly." + words.Text(400),
            "Make the streaming parser allocate less and keep every test green." + words.Text(120),
            turns);

        var payload = new PayloadWriter();
        var usage = new Usage(Prompt: 61000, Completion: 12, Reasoning: 5, Cached: 60000);
        payload.Response(
            writer =>
            {
                writer.WriteString("content"u8, "All tests pass."u8);
                writer.WriteString("reasoning_content"u8, "Done."u8);
            },
            "stop",
            usage);
        return new Workload
        {
            Kind = WorkloadKind.LongHistory,
            Name = "long history (200 agent steps)",
            ResponseBody = payload.ToArray(),
            MediaType = "application/json",
            Chunks = 1,
            ContentLength = "All tests pass.".Length,
            ReasoningLength = "Done.".Length,
            TotalTokens = usage.Total,
            History = history,
        };
    }

    private static string WriteArguments(params (string Name, string Value)[] fields)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            foreach (var (name, value) in fields)
            {
                writer.WriteString(name, value);
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }
}

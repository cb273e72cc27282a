using System.Collections.Concurrent;
using System.Globalization;
using Kimi.Client.Benchmarks.Workloads;
using Kimi.Client.Testing;

namespace Kimi.Client.Benchmarks.Load;

/// <summary>
/// The long-run mode's model: a run (named in its task, "Run NAME: …") calls read_file on each of its first
/// <see cref="ToolSteps"/> calls, then answers; a request without tools is a compaction summary. Usage is the emulator's
/// own: prompt tokens estimated from the bytes, cached tokens from its prefix cache.
/// </summary>
internal sealed class LongRunScript
{
    public const int Window = 262_144;
    public const int ToolSteps = 4_000;

    private static readonly string[] Reasoning = [.. Enumerable.Range(0, 16).Select(i => new WordSource((uint)(300 + i)).Words(60).TrimStart())];
    private readonly ConcurrentDictionary<string, int> _steps = new(StringComparer.Ordinal);

    public static string Task(string run) => $"Run {run}: read src/File1.cs to src/File{ToolSteps.ToString(CultureInfo.InvariantCulture)}.cs with read_file, one per step, then report.";

    public static string Final(string run) => $"Run {run}: all {ToolSteps.ToString(CultureInfo.InvariantCulture)} files read.";

    public EmulatorReply Reply(EmulatorRequest request)
    {
        if (!request.Json.TryGetProperty("tools", out _))
        {
            return EmulatorReply.FromText("So far: files were read in order; each one describes how the parser streams tokens. Continue with the next file.");
        }

        var task = request.LastUserText.StartsWith("Run ", StringComparison.Ordinal) ? request.LastUserText : FirstUser(request);
        var run = task[4..task.IndexOf(':', StringComparison.Ordinal)];
        var step = _steps.AddOrUpdate(run, 1, (_, n) => n + 1);
        return step > ToolSteps
            ? EmulatorReply.FromText(Final(run), "Every file is read; report.")
            : EmulatorReply.FromToolCalls(Reasoning[step % Reasoning.Length], new EmulatorToolCall("read_file", $$"""{"path":"src/File{{step}}.cs"}"""));
    }

    private static string FirstUser(EmulatorRequest request)
    {
        foreach (var message in request.Json.GetProperty("messages").EnumerateArray())
        {
            if (message.GetProperty("role").ValueEquals("user"))
            {
                return message.GetProperty("content").GetString()!;
            }
        }

        throw new InvalidOperationException("No user message.");
    }
}

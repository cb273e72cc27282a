using System.ClientModel;
using System.ClientModel.Primitives;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Kimi.Client.Benchmarks.Clients;
using OpenAI;
using OpenAI.Chat;

namespace Kimi.Client.Benchmarks.Load;

/// <summary>
/// <c>--startup</c>: the first call in a fresh process, five fresh processes per row (median): Kimi.Client and the OpenAI
/// SDK under the JIT (this program as <c>--first-call kimi|openai</c>), samples/AotSmoke under the JIT and, when
/// published, as a NativeAOT binary, and, when published, benchmarks/OpenAiAotStartup (the OpenAI call below, as a
/// NativeAOT binary). A first call = build the client, send one request, read one non-streamed completion, over a canned
/// in-memory response (the same bytes everywhere), timed and counted in the process itself.
/// </summary>
internal static partial class StartupTest
{
    private const int Runs = 5;

    /// <summary>The canned response, identical to samples/AotSmoke's.</summary>
    internal const string CannedText = "Hello! How can I help you today?";

    private static readonly byte[] CannedBody = Encoding.UTF8.GetBytes(
        """{"id":"chatcmpl-aot","object":"chat.completion","created":1787685033,"model":"kimi-k2.6","choices":[{"index":0,"message":{"role":"assistant","content":"Hello! How can I help you today?","reasoning_content":"The user wants a greeting."},"finish_reason":"stop"}],"usage":{"prompt_tokens":30,"completion_tokens":12,"total_tokens":42,"cached_tokens":0}}""");

    public static async Task<int> RunAsync(TextWriter output)
    {
        var root = FindRepositoryRoot();
        var aotSmokeDll = Path.Combine(root, "samples/AotSmoke/bin/Release/net10.0/AotSmoke.dll");
        var aotBinary = Path.Combine(root, "artifacts/aot/AotSmoke");
        var openAiAotBinary = Path.Combine(root, "artifacts/openai-aot/OpenAiAotStartup");
        var rows = new List<(string Name, ProcessStartInfo? Start, string Missing)>
        {
            ("Kimi.Client, JIT (this program)", ServerProcess.SelfStartInfo("--first-call", "kimi"), string.Empty),
            ("OpenAI 2.15, JIT (this program)", ServerProcess.SelfStartInfo("--first-call", "openai"), string.Empty),
            ("Kimi.Client, JIT (AotSmoke)", File.Exists(aotSmokeDll) ? Start("dotnet", aotSmokeDll, "--first-call") : null, $"build it: dotnet build -c Release samples/AotSmoke"),
            ("Kimi.Client, NativeAOT (AotSmoke)", File.Exists(aotBinary) ? Start(aotBinary, "--first-call") : null, "publish it: dotnet publish samples/AotSmoke -c Release -r linux-x64 -p:PublishAot=true -o artifacts/aot"),
            ("OpenAI 2.15, NativeAOT (OpenAiAotStartup)", File.Exists(openAiAotBinary) ? Start(openAiAotBinary) : null, "publish it: dotnet publish benchmarks/OpenAiAotStartup -c Release -r linux-x64 -p:PublishAot=true -o artifacts/openai-aot"),
        };

        output.WriteLine($"startup: first call in a fresh process, median of {Runs} processes per row");
        output.WriteLine();
        output.WriteLine("| Client | First call | Allocated in it | Process start to exit |");
        output.WriteLine("| --- | ---: | ---: | ---: |");
        foreach (var (name, start, missing) in rows)
        {
            if (start is null)
            {
                output.WriteLine($"| {name} | not run: {missing} | | |");
                continue;
            }

            var samples = new List<(double Ms, long Bytes, double ProcessMs)>();
            for (var i = 0; i < Runs; i++)
            {
                start.RedirectStandardOutput = true;
                var watch = Stopwatch.StartNew();
                using var process = Process.Start(start)!;
                var text = await process.StandardOutput.ReadToEndAsync();
                await process.WaitForExitAsync();
                watch.Stop();
                var match = FirstCallLine().Match(text);
                if (process.ExitCode != 0 || !match.Success)
                {
                    output.WriteLine($"  FAIL {name}: exit {process.ExitCode}: {text}");
                    return 1;
                }

                samples.Add((double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), long.Parse(match.Groups[2].Value.Replace(",", string.Empty, StringComparison.Ordinal), CultureInfo.InvariantCulture), watch.Elapsed.TotalMilliseconds));
            }

            static T Median<T>(IEnumerable<T> values) => values.Order().ElementAt(Runs / 2);
            output.WriteLine($"| {name} | {Median(samples.Select(s => s.Ms)):F1} ms | {Median(samples.Select(s => s.Bytes)) / 1024.0:N0} KB | {Median(samples.Select(s => s.ProcessMs)):N0} ms |");
        }

        return 0;
    }

    /// <summary>
    /// <c>--first-call kimi|openai</c>: one first call, printed as AotSmoke prints it, then one line per phase (building the
    /// options, the client, the call) with <c>--phases</c>: wall time, this process's CPU time, bytes and what the JIT compiled in it.
    /// </summary>
    public static async Task<int> FirstCallAsync(string client, bool showPhases = false)
    {
        var phases = showPhases ? new Phases() : null;
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var watch = Stopwatch.StartNew();
        string text;
        if (client == "openai")
        {
            var options = new OpenAIClientOptions
            {
                Endpoint = new Uri("http://canned.local/v1"),
                Transport = new HttpClientPipelineTransport(new HttpClient(new CannedHandler())),
            };
            phases?.End("options");
            var chat = new ChatClient(BenchClient.Model, new ApiKeyCredential(BenchClient.ApiKey), options);
            phases?.End("client");
            var completion = (await chat.CompleteChatAsync([new UserChatMessage("Say hello.")])).Value;
            text = completion.Content[0].Text;
            phases?.End("call");
        }
        else
        {
            var options = new KimiClientOptions { ApiKey = BenchClient.ApiKey, Endpoint = new Uri("http://canned.local/v1") };
            phases?.End("options");
            using var kimi = new KimiClient(new HttpClient(new CannedHandler()), options);
            phases?.End("client");
            text = (await kimi.CompleteAsync("Say hello.")).Text;
            phases?.End("call");
        }

        watch.Stop();
        var bytes = GC.GetTotalAllocatedBytes(precise: true) - allocated;
        if (text != CannedText)
        {
            Console.Error.WriteLine($"first call returned '{text}'");
            return 1;
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"first-call: {watch.Elapsed.TotalMilliseconds:F1} ms, {bytes:N0} B allocated ({client}, JIT)"));
        phases?.Write(Console.Out);
        return 0;
    }

    /// <summary>Per phase of the first call (the probe costs a little itself, so the first-call line is measured without it): wall and CPU time, bytes, and the methods the JIT compiled (count and time).</summary>
    private sealed class Phases
    {
        private readonly List<string> _lines = [];
        private readonly Stopwatch _wall = Stopwatch.StartNew();
        private TimeSpan _cpu = Process.GetCurrentProcess().TotalProcessorTime;
        private long _bytes = GC.GetTotalAllocatedBytes(precise: true);
        private long _methods = System.Runtime.JitInfo.GetCompiledMethodCount();
        private TimeSpan _jit = System.Runtime.JitInfo.GetCompilationTime();

        public void End(string name)
        {
            var wall = _wall.Elapsed;
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var bytes = GC.GetTotalAllocatedBytes(precise: true);
            var methods = System.Runtime.JitInfo.GetCompiledMethodCount();
            var jit = System.Runtime.JitInfo.GetCompilationTime();
            _lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"phase {name}: {wall.TotalMilliseconds:F1} ms wall, {(cpu - _cpu).TotalMilliseconds:F1} ms CPU, {bytes - _bytes:N0} B, {methods - _methods} methods JIT-compiled in {(jit - _jit).TotalMilliseconds:F1} ms"));
            _cpu = Process.GetCurrentProcess().TotalProcessorTime; // after the probe's own cost
            _bytes = GC.GetTotalAllocatedBytes(precise: true);
            _methods = System.Runtime.JitInfo.GetCompiledMethodCount();
            _jit = System.Runtime.JitInfo.GetCompilationTime();
            _wall.Restart();
        }

        public void Write(TextWriter output) => _lines.ForEach(output.WriteLine);
    }

    private static ProcessStartInfo Start(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { UseShellExecute = false };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        return info;
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Kimi.Client.sln")))
            {
                return dir.FullName;
            }
        }

        return Directory.GetCurrentDirectory();
    }

    [GeneratedRegex(@"first-call: ([0-9.]+) ms, ([0-9,]+) B allocated")]
    private static partial Regex FirstCallLine();

    private sealed class CannedHandler : HttpMessageHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Content is { } content)
            {
                await content.CopyToAsync(Stream.Null, cancellationToken);
            }

            return new HttpResponseMessage(HttpStatusCode.OK)
            {
                RequestMessage = request,
                Content = new ByteArrayContent(CannedBody) { Headers = { { "Content-Type", "application/json" } } },
            };
        }
    }
}

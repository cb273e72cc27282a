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
/// <c>--startup</c>: the first call in a fresh process, seven fresh processes per row in interleaved rounds (median): Kimi.Client,
/// the OpenAI SDK and the floor under the JIT (this program as <c>--first-call kimi|openai|floor</c>), samples/AotSmoke under the JIT (built from the project and, when
/// built so, from the packed packages with Kimi.Client's ReadyToRun image) and, when published, as a NativeAOT binary, and, when published, benchmarks/OpenAiAotStartup (the OpenAI call below, as a
/// NativeAOT binary). A first call = build the client, send one request, read one non-streamed completion, over a canned
/// in-memory response (the same bytes everywhere), timed and counted in the process itself.
/// </summary>
internal static partial class StartupTest
{
    private const int Runs = 7;

    /// <summary>The canned response, identical to samples/AotSmoke's.</summary>
    internal const string CannedText = "Hello! How can I help you today?";

    private static readonly byte[] CannedBody = Encoding.UTF8.GetBytes(
        """{"id":"chatcmpl-aot","object":"chat.completion","created":1787685033,"model":"kimi-k2.6","choices":[{"index":0,"message":{"role":"assistant","content":"Hello! How can I help you today?","reasoning_content":"The user wants a greeting."},"finish_reason":"stop"}],"usage":{"prompt_tokens":30,"completion_tokens":12,"total_tokens":42,"cached_tokens":0}}""");

    public static async Task<int> RunAsync(TextWriter output)
    {
        var root = FindRepositoryRoot();
        var aotSmokeDll = Path.Combine(root, "samples/AotSmoke/bin/Release/net10.0/AotSmoke.dll");
        var packagedAotSmokeDll = Path.Combine(root, "artifacts/from-packages/AotSmoke/bin/Release/net10.0/AotSmoke.dll");
        var aotBinary = Path.Combine(root, "artifacts/aot/AotSmoke");
        var openAiAotBinary = Path.Combine(root, "artifacts/openai-aot/OpenAiAotStartup");
        var rows = new List<(string Name, ProcessStartInfo? Start, string Missing)>
        {
            ("Kimi.Client, JIT (this program)", ServerProcess.SelfStartInfo("--first-call", "kimi"), string.Empty),
            ("OpenAI 2.15, JIT (this program)", ServerProcess.SelfStartInfo("--first-call", "openai"), string.Empty),
            ("Floor (HttpClient + Utf8Json), JIT (this program)", ServerProcess.SelfStartInfo("--first-call", "floor"), string.Empty),
            ("Kimi.Client, JIT (AotSmoke)", File.Exists(aotSmokeDll) ? Start("dotnet", aotSmokeDll, "--first-call") : null, $"build it: dotnet build -c Release samples/AotSmoke"),
            ("Kimi.Client package (ReadyToRun), JIT (AotSmoke)", File.Exists(packagedAotSmokeDll) ? Start("dotnet", packagedAotSmokeDll, "--first-call", "--expect-ready-to-run") : null, "pack, then build it: dotnet pack src/Kimi.Client -c Release -o artifacts/packages; dotnet pack src/Kimi.Client.Testing -c Release -o artifacts/packages; dotnet build -c Release samples/AotSmoke -p:KimiPackages=artifacts/packages"),
            ("Kimi.Client, NativeAOT (AotSmoke)", File.Exists(aotBinary) ? Start(aotBinary, "--first-call") : null, "publish it: dotnet publish samples/AotSmoke -c Release -r linux-x64 -p:PublishAot=true -o artifacts/aot"),
            ("OpenAI 2.15, NativeAOT (OpenAiAotStartup)", File.Exists(openAiAotBinary) ? Start(openAiAotBinary) : null, "publish it: dotnet publish benchmarks/OpenAiAotStartup -c Release -r linux-x64 -p:PublishAot=true -o artifacts/openai-aot"),
        };

        // Rounds, not rows: each round starts every row's process once, so load that comes and goes on a shared machine
        // falls on every row alike.
        var samples = rows.Select(_ => new List<(double Ms, long Bytes, double CpuMs, double ProcessMs)>()).ToArray();
        for (var round = 0; round < Runs; round++)
        {
            for (var row = 0; row < rows.Count; row++)
            {
                if (rows[row].Start is not { } start)
                {
                    continue;
                }

                start.RedirectStandardOutput = true;
                var watch = Stopwatch.StartNew();
                using var process = Process.Start(start)!;
                var text = await process.StandardOutput.ReadToEndAsync();
                await process.WaitForExitAsync();
                watch.Stop();
                var match = FirstCallLine().Match(text);
                if (process.ExitCode != 0 || !match.Success)
                {
                    output.WriteLine($"  FAIL {rows[row].Name}: exit {process.ExitCode}: {text}");
                    return 1;
                }

                samples[row].Add((
                    double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture),
                    long.Parse(match.Groups[2].Value.Replace(",", string.Empty, StringComparison.Ordinal), CultureInfo.InvariantCulture),
                    match.Groups[3].Success ? double.Parse(match.Groups[3].Value, CultureInfo.InvariantCulture) : double.NaN,
                    watch.Elapsed.TotalMilliseconds));
            }
        }

        static T Median<T>(IEnumerable<T> values) => values.Order().ElementAt(Runs / 2);
        output.WriteLine($"startup: first call in a fresh process, median of {Runs} processes per row (run in {Runs} interleaved rounds)");
        output.WriteLine();
        output.WriteLine("| Client | First call | Range | CPU in it | Allocated in it | Process start to exit |");
        output.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: |");
        for (var row = 0; row < rows.Count; row++)
        {
            var (name, _, missing) = rows[row];
            var runs = samples[row];
            if (runs.Count == 0)
            {
                output.WriteLine($"| {name} | not run: {missing} | | | | |");
                continue;
            }

            var cpu = Median(runs.Select(r => r.CpuMs));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {Median(runs.Select(r => r.Ms)):F1} ms | {runs.Min(r => r.Ms):F1}–{runs.Max(r => r.Ms):F1} ms | {(double.IsNaN(cpu) ? "–" : $"{cpu:F1} ms")} | {Median(runs.Select(r => r.Bytes)) / 1024.0:N0} KB | {Median(runs.Select(r => r.ProcessMs)):N0} ms |"));
        }

        if (samples[0].Count > 0 && samples[1].Count > 0)
        {
            output.WriteLine();
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Kimi.Client / OpenAI (JIT, this program): time {Median(samples[0].Select(r => r.Ms)) / Median(samples[1].Select(r => r.Ms)):F2}×, CPU {Median(samples[0].Select(r => r.CpuMs)) / Median(samples[1].Select(r => r.CpuMs)):F2}×, bytes {Median(samples[0].Select(r => (double)r.Bytes)) / Median(samples[1].Select(r => (double)r.Bytes)):F2}× (target: time ≤ 0.5×)"));
        }

        // What a user of the package gets: the same first call from the package's ReadyToRun image (AotSmoke built against
        // the packed packages), against the OpenAI SDK in this program, and against the same sample built from the project.
        var packaged = rows.FindIndex(r => r.Name.StartsWith("Kimi.Client package", StringComparison.Ordinal));
        var project = rows.FindIndex(r => r.Name == "Kimi.Client, JIT (AotSmoke)");
        if (samples[packaged].Count > 0 && samples[1].Count > 0)
        {
            var time = Median(samples[packaged].Select(r => r.Ms));
            var cpu = Median(samples[packaged].Select(r => r.CpuMs)) / Median(samples[1].Select(r => r.CpuMs));
            var againstProject = samples[project].Count > 0
                ? string.Create(CultureInfo.InvariantCulture, $"; / the same sample built from the project (IL): {time / Median(samples[project].Select(r => r.Ms)):F2}×")
                : string.Empty;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Kimi.Client package (ReadyToRun, AotSmoke) / OpenAI (JIT, this program): time {time / Median(samples[1].Select(r => r.Ms)):F2}×, CPU {cpu:F2}× (target: time ≤ 0.5×){againstProject}"));
        }

        return 0;
    }

    /// <summary>
    /// <c>--first-call kimi|openai|floor</c>: one first call, printed as AotSmoke prints it, then one line per phase (building the
    /// options, the client, the call) with <c>--phases</c>: wall time, this process's CPU time, bytes and what the JIT compiled in it.
    /// </summary>
    public static async Task<int> FirstCallAsync(string client, bool showPhases = false)
    {
        var phases = showPhases ? new Phases() : null;
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
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
        else if (client == "floor")
        {
            // What any client pays: HttpClient, Utf8JsonWriter and Utf8JsonReader over the same canned answer.
            var endpoint = new Uri("http://canned.local/v1");
            phases?.End("options");
            var floor = new Floor.FloorClient(new HttpClient(new CannedHandler()), endpoint, BenchClient.ApiKey, BenchClient.Model);
            phases?.End("client");
            text = (await floor.CompleteAsync([new Floor.FloorMessage("user", "Say hello.")])).Content;
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
        var cpuMs = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds; // every thread of the process: the JIT's background tiering too
        var bytes = GC.GetTotalAllocatedBytes(precise: true) - allocated;
        if (text != CannedText)
        {
            Console.Error.WriteLine($"first call returned '{text}'");
            return 1;
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"first-call: {watch.Elapsed.TotalMilliseconds:F1} ms, {bytes:N0} B allocated ({client}, JIT), {cpuMs:F1} ms CPU"));
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

    [GeneratedRegex(@"first-call: ([0-9.]+) ms, ([0-9,]+) B allocated[^\n]*?(?:, ([0-9.]+) ms CPU)?\r?$", RegexOptions.Multiline)]
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

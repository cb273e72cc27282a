// AotSmoke: Kimi.Client under NativeAOT (issue 8). Exercises the paths an app uses, offline, and fails loudly:
//   1. first call in a fresh process (time and bytes allocated), against a canned response (no emulator cost in it);
//   2. non-streaming and streaming calls against the in-memory Kimi emulator (Moonshot dialect);
//   3. DI: AddKimiClient bound from configuration (appsettings-style JSON), the emulator as the primary handler;
//   4. a KimiAgent loop that calls an AIFunction tool and ends with the tool's answer.
// Publish and run (zero trim/AOT warnings; .ci/run does this):
//   dotnet publish samples/AotSmoke -c Release -r linux-x64 -p:PublishAot=true -p:TreatWarningsAsErrors=true -o artifacts/aot
//   artifacts/aot/AotSmoke            (or: dotnet run --project samples/AotSmoke, the same checks under the JIT)
// "--first-call" prints only the first-call line (used by the benchmark program's --startup mode).
using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Kimi.Client;
using Kimi.Client.Agents;
using Kimi.Client.Testing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

var startup = Stopwatch.StartNew();
var firstCall = await FirstCallAsync();
var image = KimiClientImage();
Console.WriteLine(
    $"first-call: {firstCall.Elapsed.TotalMilliseconds:F1} ms, {firstCall.Allocated:N0} B allocated; process up {(DateTime.Now - Process.GetCurrentProcess().StartTime).TotalMilliseconds:N0} ms " +
    $"({(System.Runtime.JitInfo.GetCompiledMethodCount() > 0 ? "JIT" : "NativeAOT")}; Kimi.Client.dll: {image.Kind}{(image.Path is null ? "" : $" from {image.Path}")}), " +
    $"{firstCall.Cpu.TotalMilliseconds:F1} ms CPU");
// --expect-ready-to-run: under the JIT, the package's precompiled image for this platform must be the one loaded (.ci/run, against
// the packages); NativeAOT compiled the whole program ahead of time and has no image to check.
Check(!args.Contains("--expect-ready-to-run") || image.Kind is "ReadyToRun" or "NativeAOT", $"Kimi.Client.dll loaded as {image.Kind}, not the package's ReadyToRun image");
if (args.Contains("--first-call"))
{
    return 0;
}

await using var emulator = new KimiEmulator(new KimiEmulatorOptions { ApiKey = "aot-key" });
var options = new KimiClientOptions { ApiKey = "aot-key", Endpoint = emulator.BaseAddress };

// 2. Non-streaming and streaming.
using (var client = new KimiClient(new HttpClient(emulator.CreateHandler()), options))
{
    emulator.Enqueue(EmulatorReply.FromText("Paris.", "The capital of France is Paris."));
    var completion = await client.CompleteAsync([KimiMessage.User("Capital of France?")]);
    Check(completion.Text == "Paris." && completion.Reasoning == "The capital of France is Paris." && completion.Usage is { TotalTokens: > 0 }, $"non-streaming: {completion.Text}");

    emulator.Enqueue(EmulatorReply.FromText("One two three four five.", "Count to five."));
    var stream = client.StreamAsync([KimiMessage.User("Count to five.")]);
    var updates = 0;
    var text = new StringBuilder();
    await foreach (var update in stream)
    {
        updates++;
        text.Append(update.ContentDelta);
    }

    Check(updates >= 5 && text.ToString() == "One two three four five." && stream.Completion?.Reasoning == "Count to five.", $"streaming: {updates} updates, '{text}'");
    Console.WriteLine($"ok: non-streaming ({completion.Usage!.TotalTokens} tokens) and streaming ({updates} updates)");
}

// 3. DI with configuration binding (the source-generated binder: no reflection).
var configuration = new ConfigurationBuilder()
    .AddJsonStream(new MemoryStream("""{"Kimi":{"Provider":"Moonshot","ApiKey":"aot-key","Model":"kimi-k2.6","MaxOutputTokens":2048}}"""u8.ToArray()))
    .AddInMemoryCollection(new Dictionary<string, string?> { ["Kimi:Endpoint"] = emulator.BaseAddress.AbsoluteUri })
    .Build();
var services = new ServiceCollection();
services.AddKimiClient(configuration.GetSection("Kimi")).ConfigurePrimaryHttpMessageHandler(emulator.CreateHandler);
await using var provider = services.BuildServiceProvider();
var injected = provider.GetRequiredService<KimiClient>();
Check(injected.Model == "kimi-k2.6" && injected.Endpoint.AbsoluteUri.TrimEnd('/') == emulator.BaseAddress.AbsoluteUri.TrimEnd('/'), $"DI: {injected.Model} at {injected.Endpoint}");
emulator.Enqueue(EmulatorReply.FromText("Bound.", "Configuration bound."));
var viaDi = await injected.CompleteAsync("Are you configured?");
Check(viaDi.Text == "Bound." && emulator.Requests[^1].Json.GetProperty("max_completion_tokens").GetInt32() == 2048, "DI call");
Console.WriteLine("ok: AddKimiClient bound from configuration");

// 4. An agent loop with an AIFunction tool.
emulator.Enqueue(EmulatorReply.FromToolCalls("Add them with the tool.", new EmulatorToolCall("add", """{"a":19,"b":23}""")));
emulator.Responder = request => EmulatorReply.FromText("The sum is " + LastToolResult(request) + ".", "The tool answered.");
var agent = new KimiAgent(injected, [new AddFunction()], new KimiAgentOptions { MaxSteps = 4, MaxCostUsd = 0.01m });
var result = await agent.RunAsync([KimiMessage.User("What is 19 + 23?")]);
Check(result.StopReason == KimiAgentStopReason.Completed && result.Text == "The sum is 42." && result.Steps == 2 && result.CostUsd > 0, $"agent: {result}");
Console.WriteLine($"ok: agent ({result})");
Console.WriteLine($"AotSmoke passed in {startup.Elapsed.TotalMilliseconds:F0} ms");
return 0;

// The first call an app makes: build a client, send one request, read one non-streamed completion.
static async Task<(TimeSpan Elapsed, long Allocated, TimeSpan Cpu)> FirstCallAsync()
{
    var allocated = GC.GetTotalAllocatedBytes(precise: true);
    var cpu = Process.GetCurrentProcess().TotalProcessorTime; // every thread: the JIT's background work too
    var watch = Stopwatch.StartNew();
    using var client = new KimiClient(new HttpClient(new CannedHandler()), new KimiClientOptions { ApiKey = "aot-key", Endpoint = new Uri("http://canned.local/v1") });
    var completion = await client.CompleteAsync("Say hello.");
    watch.Stop();
    var bytes = GC.GetTotalAllocatedBytes(precise: true) - allocated;
    var cpuTime = Process.GetCurrentProcess().TotalProcessorTime - cpu;
    Check(completion.Text == CannedHandler.Text && completion.Usage?.TotalTokens == 42, "first call");
    return (watch.Elapsed, bytes, cpuTime);
}

// Which Kimi.Client.dll the host loaded and whether it carries precompiled code. The host's trusted-assembly list names the
// file it resolved (for a portable app, runtimes/<rid>/lib/... when the package has one for this platform); NativeAOT has none.
static (string Kind, string? Path) KimiClientImage()
{
    if (AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") is not string assemblies)
    {
        return ("NativeAOT", null);
    }

    var path = assemblies.Split(Path.PathSeparator).FirstOrDefault(p => Path.GetFileName(p) == "Kimi.Client.dll");
    if (path is null)
    {
        return ("not found", null);
    }

    using var pe = new System.Reflection.PortableExecutable.PEReader(File.OpenRead(path));
    var readyToRun = pe.PEHeaders.CorHeader is { ManagedNativeHeaderDirectory.Size: > 0 };
    return (readyToRun ? "ReadyToRun" : "IL", Path.GetRelativePath(AppContext.BaseDirectory, path));
}

static string LastToolResult(EmulatorRequest request)
{
    string? last = null;
    foreach (var message in request.Json.GetProperty("messages").EnumerateArray())
    {
        if (message.GetProperty("role").GetString() == "tool")
        {
            last = message.GetProperty("content").GetString();
        }
    }

    return last ?? "(none)";
}

static void Check(bool ok, string what)
{
    if (!ok)
    {
        Console.Error.WriteLine($"AotSmoke FAILED: {what}");
        Environment.Exit(1);
    }
}

/// <summary>An AIFunction written by hand: a JSON schema and an invoke method, no reflection.</summary>
internal sealed class AddFunction : AIFunction
{
    private static readonly JsonElement Schema = JsonDocument.Parse(
        """{"type":"object","properties":{"a":{"type":"integer"},"b":{"type":"integer"}},"required":["a","b"]}""").RootElement.Clone();

    public override string Name => "add";

    public override string Description => "Adds two integers.";

    public override JsonElement JsonSchema => Schema;

    protected override ValueTask<object?> InvokeCoreAsync(AIFunctionArguments arguments, CancellationToken cancellationToken)
    {
        static long Read(object? value) => value is JsonElement element ? element.GetInt64() : Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture);
        return ValueTask.FromResult<object?>((Read(arguments["a"]) + Read(arguments["b"])).ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}

/// <summary>A canned Moonshot non-streamed response: start-up measures the client, not a server.</summary>
internal sealed class CannedHandler : HttpMessageHandler
{
    public const string Text = "Hello! How can I help you today?";

    private static readonly byte[] Body = Encoding.UTF8.GetBytes(
        """{"id":"chatcmpl-aot","object":"chat.completion","created":1787685033,"model":"kimi-k2.6","choices":[{"index":0,"message":{"role":"assistant","content":"Hello! How can I help you today?","reasoning_content":"The user wants a greeting."},"finish_reason":"stop"}],"usage":{"prompt_tokens":30,"completion_tokens":12,"total_tokens":42,"cached_tokens":0}}""");

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Content is { } content)
        {
            await content.CopyToAsync(Stream.Null, cancellationToken);
        }

        return new HttpResponseMessage(HttpStatusCode.OK)
        {
            RequestMessage = request,
            Content = new ByteArrayContent(Body) { Headers = { { "Content-Type", "application/json" } } },
        };
    }
}

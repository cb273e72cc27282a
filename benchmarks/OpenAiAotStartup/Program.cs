// OpenAiAotStartup: the OpenAI SDK's first call in a fresh process, for the NativeAOT row of the benchmark program's
// --startup mode (issue 8). The same call, canned response and measurement as that program's "--first-call openai"
// (benchmarks/Kimi.Client.Benchmarks/Load/StartupTest.cs), printed in the line --startup parses.
//   dotnet publish benchmarks/OpenAiAotStartup -c Release -r linux-x64 -p:PublishAot=true -o artifacts/openai-aot
//   artifacts/openai-aot/OpenAiAotStartup          (or: dotnet run -c Release --project benchmarks/OpenAiAotStartup, JIT)
using System.ClientModel;
using System.ClientModel.Primitives;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using OpenAI;
using OpenAI.Chat;

const string CannedText = "Hello! How can I help you today?";

var allocated = GC.GetTotalAllocatedBytes(precise: true);
var watch = Stopwatch.StartNew();
var chat = new ChatClient("kimi-k2.6", new ApiKeyCredential("bench-key"), new OpenAIClientOptions
{
    Endpoint = new Uri("http://canned.local/v1"),
    Transport = new HttpClientPipelineTransport(new HttpClient(new CannedHandler())),
});
var completion = (await chat.CompleteChatAsync([new UserChatMessage("Say hello.")])).Value;
var text = completion.Content[0].Text;
watch.Stop();
var bytes = GC.GetTotalAllocatedBytes(precise: true) - allocated;
if (text != CannedText)
{
    Console.Error.WriteLine($"first call returned '{text}'");
    return 1;
}

var mode = System.Runtime.JitInfo.GetCompiledMethodCount() > 0 ? "JIT" : "NativeAOT";
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"first-call: {watch.Elapsed.TotalMilliseconds:F1} ms, {bytes:N0} B allocated (openai, {mode})"));
return 0;

/// <summary>The benchmark program's canned response (StartupTest.CannedBody), byte for byte.</summary>
internal sealed class CannedHandler : HttpMessageHandler
{
    private static readonly byte[] CannedBody = Encoding.UTF8.GetBytes(
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
            Content = new ByteArrayContent(CannedBody) { Headers = { { "Content-Type", "application/json" } } },
        };
    }
}

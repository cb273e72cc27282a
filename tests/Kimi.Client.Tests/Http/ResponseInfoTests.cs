using Kimi.Client.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Kimi.Client.Tests.Http;

/// <summary>
/// The request id (and OpenRouter's generation id) is the first non-blank value of the first of the host's headers that has
/// one, read as received: a header sent more than once with a blank value first, a blank header before the next one.
/// </summary>
public class ResponseInfoTests
{
    private const string Answer =
        """{"object":"chat.completion","model":"kimi-k2.6","choices":[{"index":0,"message":{"role":"assistant","content":"Hi."},"finish_reason":"stop"}]}""";

    [Fact(Timeout = 10_000)]
    public async Task A_request_id_header_sent_twice_with_a_blank_value_first_gives_its_second_value()
    {
        var (completion, received) = await CompleteAsync(KimiProvider.Moonshot, TestContext.Current.CancellationToken, ("x-request-id", ["", "req-second"]), ("x-trace-id", ["trace-later"]));

        Assert.Equal(["", "req-second"], received["x-request-id"]); // the wire really carried both lines
        Assert.Equal("req-second", completion.RequestId);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_blank_first_request_id_header_gives_way_to_the_next_header()
    {
        var (completion, received) = await CompleteAsync(KimiProvider.Moonshot, TestContext.Current.CancellationToken, ("x-request-id", ["", ""]), ("x-trace-id", ["trace-next"]));

        Assert.Equal(["", ""], received["x-request-id"]); // present, but blank
        Assert.Equal("trace-next", completion.RequestId);
    }

    [Fact(Timeout = 10_000)]
    public async Task OpenRouter_takes_the_first_non_blank_generation_id_as_completion_and_request_id()
    {
        var (completion, _) = await CompleteAsync(KimiProvider.OpenRouter, TestContext.Current.CancellationToken, ("x-generation-id", ["", "gen-second", "gen-third"]));

        Assert.Equal("gen-second", completion.Id); // the body has no id: the header stands in
        Assert.Equal("gen-second", completion.RequestId);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_request_id_that_echoes_the_api_key_is_scrubbed()
    {
        var (completion, _) = await CompleteAsync(KimiProvider.Moonshot, TestContext.Current.CancellationToken, ("x-request-id", ["", $"req-{TestClients.ApiKey}"]));

        Assert.StartsWith("req-", completion.RequestId, StringComparison.Ordinal);
        Assert.DoesNotContain(TestClients.ApiKey, completion.RequestId, StringComparison.Ordinal);
    }

    private static async Task<(ChatCompletion Completion, IReadOnlyDictionary<string, string[]> Received)> CompleteAsync(
        KimiProvider provider, CancellationToken cancellationToken, params (string Name, string?[] Values)[] headers)
    {
        await using var server = await LoopbackServer.StartAsync(async context =>
        {
            foreach (var (name, values) in headers)
            {
                context.Response.Headers.Append(name, new StringValues(values));
            }

            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(Answer, context.RequestAborted);
        });
        using var client = TestClients.For(provider, server.Url);

        var completion = await client.CompleteAsync([KimiMessage.User("Hi")], cancellationToken: cancellationToken);

        var received = headers.ToDictionary(
            static h => h.Name,
            h => completion.Response!.Headers.NonValidated.TryGetValues(h.Name, out var values) ? values.ToArray() : [],
            StringComparer.OrdinalIgnoreCase);
        return (completion, received);
    }
}

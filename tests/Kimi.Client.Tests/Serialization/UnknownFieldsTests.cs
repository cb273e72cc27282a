using System.Text.Json;
using Kimi.Client.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Kimi.Client.Tests.Serialization;

/// <summary>
/// Fields the SDK does not read survive (issue 11, public API): always on a whole answer, by path; on streams only when
/// asked (it costs allocations per chunk), then per chunk and as a union on the completion. Over loopback HTTP.
/// </summary>
public class UnknownFieldsTests
{
    private const string Body = """
        {"id":"chatcmpl-1","object":"chat.completion","created":1777491101,"model":"kimi-k2.6","system_fingerprint":"fp_k26",
         "service_tier":"default","nothing":null,"extras":{"region":"sg","shards":[1,2]},
         "choices":[{"index":0,"logprobs":{"content":[{"token":"Hi","logprob":-0.1}]},"finish_reason":"stop","stop_reason":163586,
           "message":{"role":"assistant","content":"Hello","refusal":null,"annotations":[{"type":"url_citation"}]}}],
         "usage":{"prompt_tokens":5,"completion_tokens":1,"total_tokens":6}}
        """;

    private static readonly string[] Stream =
    [
        """data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"kimi-k2.6","system_fingerprint":"fp_a","choices":[{"index":0,"delta":{"role":"assistant","content":"Hel"},"logprobs":null,"finish_reason":null}]}""" + "\n\n",
        """data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"kimi-k2.6","system_fingerprint":"fp_b","choices":[{"index":0,"delta":{"content":"lo","annotations":[{"type":"x"}]},"finish_reason":"stop","matched_stop":163586}]}""" + "\n\n",
        """data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"kimi-k2.6","choices":[],"usage":{"prompt_tokens":5,"completion_tokens":2,"total_tokens":7},"obfuscation":"zz"}""" + "\n\n",
        "data: [DONE]\n\n",
    ];

    [Fact(Timeout = 10_000)]
    public async Task A_whole_answer_keeps_every_unread_field_by_path_and_leaves_out_nulls_and_read_ones()
    {
        await using var server = await LoopbackServer.StartAsync(JsonAnswer(Body));
        using var client = TestClients.For(KimiProvider.Moonshot, server.Url);

        var completion = await client.CompleteAsync("Hi", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal("Hello", completion.Text);
        var extra = Assert.IsAssignableFrom<IReadOnlyDictionary<string, JsonElement>>(completion.AdditionalProperties);
        Assert.Equal(
            ["choices[0].logprobs", "choices[0].message.annotations", "choices[0].stop_reason", "extras", "service_tier", "system_fingerprint"],
            extra.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("fp_k26", extra["system_fingerprint"].GetString());
        Assert.Equal(163586, extra["choices[0].stop_reason"].GetInt32());
        Assert.Equal("""{"region":"sg","shards":[1,2]}""", extra["extras"].GetRawText());
        Assert.Equal(-0.1, extra["choices[0].logprobs"].GetProperty("content")[0].GetProperty("logprob").GetDouble());
    }

    [Fact(Timeout = 10_000)]
    public async Task The_chat_client_surfaces_them_in_the_response_properties()
    {
        await using var server = await LoopbackServer.StartAsync(JsonAnswer(Body));
        using var client = TestClients.For(KimiProvider.Moonshot, server.Url);
        using var chat = client.AsIChatClient();

        var response = await chat.GetResponseAsync("Hi", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal("fp_k26", Assert.IsType<JsonElement>(response.AdditionalProperties!["system_fingerprint"]).GetString());
        Assert.True(response.AdditionalProperties.ContainsKey("choices[0].message.annotations"));
    }

    [Fact(Timeout = 10_000)]
    public async Task A_stream_keeps_none_by_default()
    {
        await using var server = await LoopbackServer.StartAsync(context => LoopbackServer.WriteSseAsync(context, Stream));
        using var client = TestClients.For(KimiProvider.Moonshot, server.Url);

        var stream = client.StreamAsync("Hi", cancellationToken: TestContext.Current.CancellationToken);
        await foreach (var update in stream)
        {
            Assert.Null(update.AdditionalProperties);
        }

        Assert.Equal("Hello", stream.Completion!.Text);
        Assert.Null(stream.Completion.AdditionalProperties);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_stream_asked_for_them_has_each_chunks_fields_and_their_union_with_the_last_value_winning()
    {
        await using var server = await LoopbackServer.StartAsync(context => LoopbackServer.WriteSseAsync(context, Stream));
        using var client = TestClients.For(KimiProvider.Moonshot, server.Url, o => o.IncludeUnknownStreamFields = true);

        var stream = client.StreamAsync("Hi", cancellationToken: TestContext.Current.CancellationToken);
        var perChunk = new List<string[]>();
        await foreach (var update in stream)
        {
            perChunk.Add(update.AdditionalProperties?.Keys.Order(StringComparer.Ordinal).ToArray() ?? []);
        }

        Assert.Equal(
        [
            ["system_fingerprint"],
            ["choices[0].delta.annotations", "choices[0].matched_stop", "system_fingerprint"],
            ["obfuscation"],
        ], perChunk);
        var union = stream.Completion!.AdditionalProperties!;
        Assert.Equal("fp_b", union["system_fingerprint"].GetString());
        Assert.Equal("zz", union["obfuscation"].GetString());
        Assert.Equal(4, union.Count);
        Assert.Equal(7, stream.Completion.Usage!.TotalTokens);
    }

    [Fact(Timeout = 10_000)]
    public async Task Unknown_fields_of_any_shape_never_break_a_stream_whichever_the_setting()
    {
        string[] odd =
        [
            """data: {"id":"c","model":"kimi-k2.6","x":[[[{"y":[true,false,null,1e308,-0.0,"\u00e9\ud83d\ude00"]}]]],"choices":[{"index":0,"delta":{"content":"ok","z":{"":{}}},"w":"","finish_reason":"stop"}]}""" + "\n\n",
            "data: [DONE]\n\n",
        ];
        foreach (var keep in new[] { false, true })
        {
            await using var server = await LoopbackServer.StartAsync(context => LoopbackServer.WriteSseAsync(context, odd));
            using var client = TestClients.For(KimiProvider.Moonshot, server.Url, o => o.IncludeUnknownStreamFields = keep);

            var stream = client.StreamAsync("Hi", cancellationToken: TestContext.Current.CancellationToken);
            await foreach (var _ in stream)
            {
            }

            var completion = stream.Completion!;

            Assert.Equal("ok", completion.Text);
            Assert.Equal(keep ? 3 : 0, completion.AdditionalProperties?.Count ?? 0);
        }
    }

    [Fact]
    public void The_setting_binds_from_configuration()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Kimi:ApiKey"] = "k", ["Kimi:IncludeUnknownStreamFields"] = "true" })
            .Build();
        var services = new ServiceCollection();
        services.AddKimiClient(configuration.GetSection("Kimi"));
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<KimiClientOptions>>().Value;

        Assert.True(options.IncludeUnknownStreamFields);
    }

    private static Func<HttpContext, Task> JsonAnswer(string body) => async context =>
    {
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body, context.RequestAborted);
    };
}

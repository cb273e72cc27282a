using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Kimi.Client.Http;
using Kimi.Client.Serialization;
using Microsoft.Extensions.Logging.Abstractions;

namespace Kimi.Client.Tests.Serialization;

/// <summary>
/// Additional properties JSON cannot carry. A NaN or infinity (which JSON has no number for) is refused when the request is
/// built, naming the field, and nothing is sent. A value the JSON writer itself refuses while the body is buffered (here a
/// value whose own converter throws) fails with that exception, nothing is sent, the client stays usable, and the pooled
/// body buffer goes back to the pool.
/// </summary>
public class UnwritableRequestTests
{
    public static TheoryData<string, string> NonFiniteValues => new()
    {
        { "nan", "NaN" },
        { "infinity", "Infinity" },
        { "float", "-Infinity" },
        { "nested", "NaN" },
        { "extra_body", "Infinity" },
    };

    [Theory(Timeout = 10_000)]
    [MemberData(nameof(NonFiniteValues))]
    public async Task A_NaN_or_infinite_additional_property_is_refused_before_sending_naming_the_field(string shape, string shown)
    {
        using var server = RecordingServer.Start(KimiProvider.Vllm);
        using var client = server.Client(KimiProvider.Vllm);
        var options = new ChatCompletionOptions();
        var field = "repetition_penalty";
        switch (shape)
        {
            case "nan":
                options.AdditionalProperties[field] = double.NaN;
                break;
            case "infinity":
                options.AdditionalProperties[field] = double.PositiveInfinity;
                break;
            case "float":
                options.AdditionalProperties[field] = float.NegativeInfinity;
                break;
            case "nested":
                field = "logit_bias";
                options.AdditionalProperties[field] = new JsonObject { ["42"] = new JsonArray(1, double.NaN) };
                break;
            default:
                field = "top_k_weights";
                options.AdditionalProperties["extra_body"] = new JsonObject { [field] = double.PositiveInfinity }; // its members go to the top level
                break;
        }

        var error = await Assert.ThrowsAsync<ArgumentException>(() => client.CompleteAsync("Hi", options, TestContext.Current.CancellationToken));

        Assert.Contains($"AdditionalProperties[\"{field}\"] holds {shown}", error.Message, StringComparison.Ordinal);
        Assert.Contains("finite number", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, server.RequestCount);

        var completion = await client.CompleteAsync("Hi", cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal("Paris.", completion.Text);
        Assert.Equal(1, server.RequestCount);
    }

    [Fact(Timeout = 10_000)]
    public async Task Finite_numbers_in_additional_properties_are_sent_as_they_are()
    {
        using var server = RecordingServer.Start(KimiProvider.Vllm);
        using var client = server.Client(KimiProvider.Vllm);
        var options = new ChatCompletionOptions();
        options.AdditionalProperties["repetition_penalty"] = 1.05;
        options.AdditionalProperties["logit_bias"] = new JsonObject { ["42"] = new JsonArray(1, -2.5f) };

        await client.CompleteAsync("Hi", options, TestContext.Current.CancellationToken);

        using var body = JsonDocument.Parse(server.LastBody);
        Assert.Equal(1.05, body.RootElement.GetProperty("repetition_penalty").GetDouble());
        Assert.Equal(-2.5, body.RootElement.GetProperty("logit_bias").GetProperty("42")[1].GetDouble());
    }

    [Fact(Timeout = 10_000)]
    public async Task A_value_the_writer_refuses_fails_with_the_writers_exception_before_sending()
    {
        using var server = RecordingServer.Start(KimiProvider.Vllm);
        using var client = server.Client(KimiProvider.Vllm);
        var options = new ChatCompletionOptions();
        options.AdditionalProperties["custom"] = RefusedValue();

        // Exactly the writer's exception: it must not be swallowed into a later NullReferenceException.
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => client.CompleteAsync("Hi", options, TestContext.Current.CancellationToken));
        Assert.Equal(RefusingConverter.Message, error.Message);
        Assert.Equal(0, server.RequestCount);

        var completion = await client.CompleteAsync("Hi", cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal("Paris.", completion.Text);
        Assert.Equal(1, server.RequestCount);
    }

    [Fact]
    public void The_body_buffer_goes_back_to_the_pool_when_writing_fails()
    {
        var settings = new ClientSettings(new KimiClientOptions { Provider = KimiProvider.Vllm, ApiKey = "k", Endpoint = new Uri("http://127.0.0.1:9/v1") });
        var options = new ChatCompletionOptions();
        options.AdditionalProperties["custom"] = RefusedValue();
        var request = ChatRequest.Create(settings, [KimiMessage.User("Hi")], options, stream: false, NullLogger.Instance);

        // The shared pool keeps the last array returned on this thread and rents it out first: the writer's buffer is this
        // one, and after a failed write it must be the one handed out again (not one the failed write kept).
        var pooled = ArrayPool<byte>.Shared.Rent(32 * 1024);
        ArrayPool<byte>.Shared.Return(pooled);

        Assert.Throws<InvalidOperationException>(() => ChatRequestWriter.WriteToBuffer(request, out _));

        var next = ArrayPool<byte>.Shared.Rent(32 * 1024);
        ArrayPool<byte>.Shared.Return(next);
        Assert.Same(pooled, next);
    }

    internal static JsonNode RefusedValue() =>
        JsonValue.Create(new Refused(), JsonMetadataServices.CreateValueInfo<Refused>(new JsonSerializerOptions { TypeInfoResolver = JsonTypeInfoResolver.Combine() }, new RefusingConverter()))!;

    private sealed class Refused;

    private sealed class RefusingConverter : JsonConverter<Refused>
    {
        public const string Message = "This value refuses to be written.";

        public override Refused Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => throw new NotSupportedException();

        public override void Write(Utf8JsonWriter writer, Refused value, JsonSerializerOptions options) => throw new InvalidOperationException(Message);
    }
}

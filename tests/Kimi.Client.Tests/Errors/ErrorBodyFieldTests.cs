using System.Text;
using System.Text.Json;
using Kimi.Client.Errors;

namespace Kimi.Client.Tests.Errors;

/// <summary>
/// Every field <see cref="ProviderErrorParser"/> reads from the less common shapes, asserted on the parsed error: Cloudflare's
/// error list, a router's metadata and availability (OpenRouter), retry hints, Ollama's extra text fields, the length cap on
/// text bodies. Fields of the wrong type are ignored, never an exception. The HTTP tests cover the common shapes end to end.
/// </summary>
public class ErrorBodyFieldTests
{
    private static KimiProviderError Parse(string body) => ProviderErrorParser.Parse(Encoding.UTF8.GetBytes(body));

    // Conformance 39: the messages of every item, joined with "; ", and the first item's code.
    [Theory]
    [InlineData("""{"result":null,"success":false,"errors":[{"code":7003,"message":"Could not route"},{"code":7000,"message":"No route"}],"messages":[]}""", "Could not route; No route", "7003")]
    [InlineData("""{"success":false,"errors":["plain text",{"code":3040,"message":"Capacity"},{"code":3041,"message":""},42]}""", "plain text; Capacity", "3040")]
    [InlineData("""{"success":false,"errors":[{"code":3040}]}""", null, "3040")]
    [InlineData("""{"success":false,"errors":[{"message":"no code first"},{"code":5007,"message":"then a code"}]}""", "no code first; then a code", "5007")]
    [InlineData("""{"errors":[],"message":"the flat message"}""", "the flat message", null)]
    [InlineData("""{"errors":"not a list","message":"the flat message"}""", "the flat message", null)]
    public void An_error_list_joins_its_messages_and_keeps_the_first_code(string body, string? message, string? code)
    {
        var error = Parse(body);

        Assert.Equal(message, error.Message);
        Assert.Equal(code, error.Code);
        Assert.Null(error.Type);
    }

    [Fact]
    public void The_router_category_in_metadata_wins_over_one_beside_the_message_and_the_outer_one_is_kept_without_it()
    {
        Assert.Equal("provider_overloaded", Parse("""{"error":{"message":"m","error_type":"server","metadata":{"error_type":"provider_overloaded"}}}""").ErrorType);
        Assert.Equal("server", Parse("""{"error":{"message":"m","error_type":"server","metadata":{"provider_name":"Moonshot AI"}}}""").ErrorType);
        Assert.Equal("timeout", Parse("""{"error":{"message":"m","error_type":"timeout"}}""").ErrorType);
    }

    // Conformance 35: retry_after_seconds, else the relayed upstream's Retry-After header; availability.retry_after over both.
    [Theory]
    [InlineData("""{"retry_after_seconds":11,"headers":{"Retry-After":"22"}}""", null, 11.0)]
    [InlineData("""{"headers":{"Retry-After":"22"}}""", null, 22.0)]
    [InlineData("""{"headers":null}""", null, null)]
    [InlineData("""{"headers":"Retry-After: 22"}""", null, null)]
    [InlineData("""{"retry_after_seconds":11}""", """{"code":"capacity_exhausted"}""", 11.0)]
    [InlineData("""{"retry_after_seconds":11}""", """{"code":"capacity_exhausted","retry_after":40}""", 40.0)]
    public void The_retry_hint_comes_from_availability_then_metadata_seconds_then_the_relayed_header(string metadata, string? availability, double? seconds)
    {
        var body = """{"error":{"message":"Provider returned error","code":429,"metadata":""" + metadata + (availability is null ? string.Empty : ",\"availability\":" + availability) + "}}";

        var error = Parse(body);

        Assert.Equal(seconds is { } s ? TimeSpan.FromSeconds(s) : null, error.RetryAfter);
        Assert.Equal("Provider returned error", error.Message);
        Assert.Equal("429", error.Code);
    }

    // A wait is a number or a number as text; anything negative, absurd or of another type is no hint at all.
    [Theory]
    [InlineData("0", 0.0)]
    [InlineData("7", 7.0)]
    [InlineData("\"7.5\"", 7.5)]
    [InlineData("-5", null)]
    [InlineData("\"-5\"", null)]
    [InlineData("\"soon\"", null)]
    [InlineData("true", null)]
    [InlineData("null", null)]
    [InlineData("{\"s\":7}", null)]
    [InlineData("1e300", null)]
    [InlineData("922337203685.4775", null)] // TimeSpan.MaxValue in seconds: absurd, not a wait of ten million days
    public void A_retry_hint_is_read_only_when_it_is_a_sane_number_of_seconds(string value, double? seconds)
    {
        var error = Parse("""{"error":{"message":"busy","availability":{"code":"capacity_exhausted","retry_after":""" + value + "}}}");

        Assert.Equal(seconds is { } s ? TimeSpan.FromSeconds(s) : null, error.RetryAfter);
        Assert.Equal("capacity_exhausted", error.AvailabilityCode);
    }

    [Fact]
    public void The_upstream_type_wins_and_the_router_param_is_kept_when_the_upstream_names_none()
    {
        var error = Parse("""
            {"error":{"message":"Provider returned error","type":"router_error","param":"messages","code":400,
              "metadata":{"raw":{"error":{"message":"Invalid request: tokenization failed","type":"invalid_request_error"}},"provider_name":"Moonshot AI"}}}
            """);

        Assert.Equal("Invalid request: tokenization failed", error.Message);
        Assert.Equal("invalid_request_error", error.Type);
        Assert.Equal("messages", error.Param);
        Assert.Equal("Provider returned error", error.GatewayMessage);
        Assert.Equal("Moonshot AI", error.UpstreamProvider);

        var upstreamParam = Parse("""{"error":{"message":"Provider returned error","metadata":{"raw":"{\"error\":{\"message\":\"bad\",\"param\":\"tools\"}}"}}}""");
        Assert.Equal("bad", upstreamParam.Message);
        Assert.Equal("tools", upstreamParam.Param);
        Assert.Null(upstreamParam.Type);
    }

    [Theory]
    [InlineData("""{"error":{"message":"Provider returned error","metadata":null}}""")]
    [InlineData("""{"error":{"message":"Provider returned error","metadata":"Moonshot AI"}}""")]
    [InlineData("""{"error":{"message":"Provider returned error","metadata":{"raw":null,"provider_name":"Moonshot AI"}}}""")]
    [InlineData("""{"error":{"message":"Provider returned error","availability":null}}""")]
    [InlineData("""{"error":{"message":"Provider returned error","availability":"no_endpoints"}}""")]
    public void Router_fields_that_are_null_or_not_objects_are_ignored(string body)
    {
        var error = Parse(body);

        Assert.Equal("Provider returned error", error.Message);
        Assert.Null(error.GatewayMessage);
        Assert.Null(error.RawUpstreamError);
        Assert.Null(error.AvailabilityCode);
        Assert.Null(error.IsRetryable);
        Assert.Null(error.ExcludedBy);
        Assert.Null(error.RetryAfter);
    }

    [Theory]
    [InlineData("\"yes\"", null)]
    [InlineData("null", null)]
    [InlineData("true", true)]
    [InlineData("false", false)]
    public void Availability_retryable_counts_only_as_a_json_boolean(string value, bool? retryable)
    {
        var error = Parse("""{"error":{"message":"m","http_status":503,"availability":{"code":"temporarily_unavailable","retryable":""" + value + "}}}");

        Assert.Equal(retryable, error.IsRetryable);
        Assert.Equal("temporarily_unavailable", error.AvailabilityCode);
        Assert.Equal("503", error.Code);
    }

    [Fact]
    public void Excluded_by_keeps_every_entry_as_text_and_is_ignored_when_it_is_not_a_list()
    {
        var listed = Parse("""{"error":{"message":"m","availability":{"code":"privacy_restricted","excluded_by":["data_policy:zdr",3,{"k":1}]}}}""");
        Assert.Equal(["data_policy:zdr", "3", """{"k":1}"""], listed.ExcludedBy);

        var text = Parse("""{"error":{"message":"m","availability":{"code":"privacy_restricted","excluded_by":"data_policy:zdr"}}}""");
        Assert.Null(text.ExcludedBy);
        Assert.Equal("privacy_restricted", text.AvailabilityCode);
    }

    [Fact]
    public void The_code_wins_over_http_status()
    {
        Assert.Equal("429", Parse("""{"error":{"message":"m","code":429,"http_status":503}}""").Code);
        Assert.Equal("503", Parse("""{"error":{"message":"m","http_status":503}}""").Code);
    }

    // Ollama: {"error":"unauthorized","signin_url":"…"}; every other text field is kept by name, the known ones and non-text ones are not.
    [Fact]
    public void A_bare_error_string_keeps_every_unknown_text_field_as_a_detail()
    {
        var error = Parse("""
            {"error":"unauthorized","type":"t","code":"c","message":"m","param":"p","object":"error",
             "signin_url":"https://ollama.com/connect?name=host&key=abc","hint":"run ollama signin","retries":3,"nested":{"a":"b"},"flag":true}
            """);

        Assert.Equal("unauthorized", error.Message);
        Assert.Equal("t", error.Type);
        Assert.Equal("c", error.Code);
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["signin_url"] = "https://ollama.com/connect?name=host&key=abc",
                ["hint"] = "run ollama signin",
            },
            error.Details);
        Assert.Null(Parse("""{"error":"unauthorized","retries":3}""").Details);
    }

    // A text body is kept whole up to 500 characters, and cut there with an ellipsis beyond.
    [Fact]
    public void A_text_body_of_500_characters_is_kept_whole_and_a_longer_one_is_cut_at_500()
    {
        var exactly = new string('a', 499) + "z";
        var longer = exactly + "b";

        Assert.Equal(exactly, Parse(exactly).Message);
        Assert.Equal(exactly + "…", Parse(longer).Message);
    }

    [Fact]
    public void An_error_value_that_is_not_an_object_gives_its_text_or_nothing()
    {
        using var text = JsonDocument.Parse("\"busy\"");
        using var number = JsonDocument.Parse("503");

        Assert.Equal("busy", ProviderErrorParser.ParseErrorObject(text.RootElement).Message);
        var none = ProviderErrorParser.ParseErrorObject(number.RootElement);
        Assert.Null(none.Message);
        Assert.Null(none.Code);
    }
}

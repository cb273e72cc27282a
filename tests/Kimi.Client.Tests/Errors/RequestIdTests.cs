using System.Net;
using static Kimi.Client.Tests.Errors.ErrorReplies;

namespace Kimi.Client.Tests.Errors;

/// <summary>Conformance 32: the provider's request id is on every exception and named in its message, so users can quote it.</summary>
public class RequestIdTests
{
    [Theory(Timeout = 10_000)]
    [InlineData("x-request-id")]
    [InlineData("x-trace-id")]
    [InlineData("X-Request-Id")]
    public async Task Moonshot_request_id_headers_are_on_the_exception_and_in_its_message(string header)
    {
        using var server = ServeFixture(400, "moonshot-missing-reasoning-400.json", (header, "req-moonshot-1"));

        var ex = await CatchAsync<KimiMissingReasoningException>(server, KimiProvider.Moonshot, TestContext.Current.CancellationToken);

        Assert.Equal("req-moonshot-1", ex.RequestId);
        Assert.EndsWith(" Request id: req-moonshot-1.", ex.Message);
    }

    [Fact(Timeout = 10_000)]
    public async Task Moonshot_prefers_x_request_id_over_x_trace_id()
    {
        using var server = ServeFixture(500, "moonshot-server-error-500.json", ("x-trace-id", "trace-2"), ("x-request-id", "req-1"));

        var ex = await CatchAsync<KimiServerException>(server, KimiProvider.Moonshot, TestContext.Current.CancellationToken);

        Assert.Equal("req-1", ex.RequestId);
    }

    [Fact(Timeout = 10_000)]
    public async Task Nvidia_NVCF_REQID_is_on_the_exception_and_in_its_message()
    {
        using var server = ServeFixture(404, "nvidia-function-not-found-404.json", ("NVCF-REQID", "6f1c0d2e-97c4-4b1b-9a57-000000000001"));

        var ex = await CatchAsync<KimiModelNotFoundException>(server, KimiProvider.Nvidia, TestContext.Current.CancellationToken);

        Assert.Equal("6f1c0d2e-97c4-4b1b-9a57-000000000001", ex.RequestId);
        Assert.Contains("Request id: 6f1c0d2e-97c4-4b1b-9a57-000000000001.", ex.Message);
    }

    [Fact(Timeout = 10_000)]
    public async Task Nvidia_rate_limit_carries_the_request_id_too()
    {
        using var server = ServeFixture(429, "nvidia-too-many-requests-429.json", ("NVCF-REQID", "nv-429"));

        var ex = await CatchAsync<KimiRateLimitException>(server, KimiProvider.Nvidia, TestContext.Current.CancellationToken);

        Assert.Equal("nv-429", ex.RequestId);
        Assert.Contains("Request id: nv-429.", ex.Message);
    }

    [Fact(Timeout = 10_000)]
    public async Task Nvidia_202_Accepted_is_an_api_error_naming_the_request_id()
    {
        using var server = Serve(202, null, headers: ("NVCF-REQID", "nvcf-queued-42"));

        var ex = await CatchAsync<KimiApiException>(server, KimiProvider.Nvidia, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Accepted, ex.Status);
        Assert.Equal("nvcf-queued-42", ex.RequestId);
        Assert.StartsWith("NVIDIA returned 202 Accepted", ex.Message);
        Assert.Contains("Quote request id nvcf-queued-42 to the provider", ex.Message);
    }

    [Fact(Timeout = 10_000)]
    public async Task Nvidia_202_Accepted_with_a_json_body_is_still_an_error()
    {
        using var server = Serve(202, """{"reqId":"nvcf-queued-43","status":"pending-evaluation"}""", headers: ("NVCF-REQID", "nvcf-queued-43"));

        var ex = await CatchAsync<KimiApiException>(server, KimiProvider.Nvidia, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Accepted, ex.Status);
        Assert.Contains("nvcf-queued-43", ex.Message);
    }

    [Fact(Timeout = 10_000)]
    public async Task DeepInfra_x_request_id_is_captured_when_present()
    {
        using var server = ServeFixture(422, "deepinfra-validation-422.json", ("x-request-id", "di-7"));

        var ex = await CatchAsync<KimiBadRequestException>(server, KimiProvider.DeepInfra, TestContext.Current.CancellationToken);

        Assert.Equal("di-7", ex.RequestId);
    }

    [Fact(Timeout = 10_000)]
    public async Task Without_a_request_id_header_the_message_does_not_mention_one()
    {
        using var server = ServeFixture(422, "deepinfra-validation-422.json");

        var ex = await CatchAsync<KimiBadRequestException>(server, KimiProvider.DeepInfra, TestContext.Current.CancellationToken);

        Assert.Null(ex.RequestId);
        Assert.DoesNotContain("Request id", ex.Message);
    }
}

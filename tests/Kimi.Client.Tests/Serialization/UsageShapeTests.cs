using Kimi.Client.Tests.Streaming;

namespace Kimi.Client.Tests.Serialization;

/// <summary>
/// Usage values in shapes hosts really send or could: counts as floats (12.0), counts beyond <see cref="int"/> (clamped,
/// never wrapped), fields of the wrong type (skipped, the fields after them still read), detail objects that are not
/// objects, a field sent twice (the last value reported wins), and OpenRouter's money fields in every form (exact decimals, too
/// large for a decimal, not numbers).
/// </summary>
public class UsageShapeTests
{
    private static async Task<TokenUsage> UsageOfAsync(string usageJson, CancellationToken cancellationToken)
    {
        var sse = StreamReplay.Lines(
            """data: {"id":"u","object":"chat.completion.chunk","created":1,"model":"kimi-k2.6","choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":"stop"}]}""",
            $$$"""data: {"id":"u","object":"chat.completion.chunk","created":1,"model":"kimi-k2.6","choices":[],"usage":{{{usageJson}}}}""",
            "data: [DONE]");
        var result = await StreamReplay.ReplayAsync(sse, cancellationToken);
        return result.Completion.Usage ?? throw new InvalidOperationException("no usage was read");
    }

    [Fact(Timeout = 30_000)]
    public async Task Counts_sent_as_floats_are_read()
    {
        var usage = await UsageOfAsync("""{"prompt_tokens":12.0,"completion_tokens":5.0,"total_tokens":17.0,"prompt_tokens_details":{"cached_tokens":4.0}}""", TestContext.Current.CancellationToken);

        Assert.Equal(12, usage.InputTokens);
        Assert.Equal(5, usage.OutputTokens);
        Assert.Equal(17, usage.TotalTokens);
        Assert.Equal(4, usage.CachedInputTokens);
    }

    [Fact(Timeout = 30_000)]
    public async Task Counts_beyond_int_are_clamped_not_wrapped()
    {
        var usage = await UsageOfAsync("""{"prompt_tokens":3000000000,"completion_tokens":1e12,"total_tokens":-5000000000}""", TestContext.Current.CancellationToken);

        Assert.Equal(int.MaxValue, usage.InputTokens);
        Assert.Equal(int.MaxValue, usage.OutputTokens);
        Assert.Equal(int.MinValue, usage.TotalTokens);
    }

    [Fact(Timeout = 30_000)]
    public async Task Fields_of_the_wrong_type_are_skipped_and_the_fields_after_them_read()
    {
        var usage = await UsageOfAsync(
            """{"prompt_tokens":{"n":1},"completion_tokens":"5","prompt_tokens_details":[4],"completion_tokens_details":"x","cost":"0.1","cost_details":7,"is_byok":"no","total_tokens":9,"reasoning_tokens":2}""", TestContext.Current.CancellationToken);

        Assert.Equal(0, usage.InputTokens);
        Assert.Equal(2, usage.OutputTokens); // reasoning beyond the (unread) completion tokens is added back
        Assert.Equal(2, usage.TotalTokens);  // recomputed: the reported total left that reasoning out
        Assert.Equal(2, usage.ReasoningTokens);
        Assert.Null(usage.CachedInputTokens);
        Assert.Null(usage.Cost);
        Assert.Null(usage.UpstreamCost);
        Assert.Null(usage.IsByok);
    }

    [Fact(Timeout = 30_000)]
    public async Task Detail_objects_keep_the_fields_they_report_and_skip_the_rest()
    {
        var usage = await UsageOfAsync(
            """{"prompt_tokens":10,"completion_tokens":8,"total_tokens":18,"prompt_tokens_details":{"audio_tokens":1,"cached_tokens":null,"cache_write_tokens":3,"cached_tokens":6},"completion_tokens_details":{"audio_tokens":0,"reasoning_tokens":5,"accepted_prediction_tokens":0},"cost":0.5,"cost_details":{"other":1,"upstream_inference_cost":0.25},"is_byok":true}""", TestContext.Current.CancellationToken);

        Assert.Equal(6, usage.CachedInputTokens);
        Assert.Equal(3, usage.CacheWriteTokens);
        Assert.Equal(5, usage.ReasoningTokens);
        Assert.Equal(8, usage.OutputTokens);
        Assert.Equal(18, usage.TotalTokens);
        Assert.Equal(0.5m, usage.Cost);
        Assert.Equal(0.25m, usage.UpstreamCost);
        Assert.True(usage.IsByok);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_cost_too_large_for_a_decimal_is_left_unknown_and_a_tiny_one_kept()
    {
        var huge = await UsageOfAsync("""{"prompt_tokens":1,"completion_tokens":1,"cost":1e40,"cost_details":{"upstream_inference_cost":-1e29}}""", TestContext.Current.CancellationToken);
        var tiny = await UsageOfAsync("""{"prompt_tokens":1,"completion_tokens":1,"cost":0.000000000000000000000000001}""", TestContext.Current.CancellationToken);

        Assert.Null(huge.Cost);
        Assert.Null(huge.UpstreamCost);
        Assert.Equal(0.000000000000000000000000001m, tiny.Cost);
    }

    [Fact(Timeout = 30_000)]
    public async Task Only_accounting_fields_without_counts_are_no_usage()
    {
        var sse = StreamReplay.Lines(
            """data: {"id":"u","choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":"stop"}],"usage":{"prompt_tokens":4,"completion_tokens":1,"total_tokens":5}}""",
            """data: {"id":"u","choices":[],"usage":{"cost":0.1,"is_byok":false}}""",
            "data: [DONE]");

        var result = await StreamReplay.ReplayAsync(sse, TestContext.Current.CancellationToken);

        Assert.Equal(5, result.Completion.Usage!.TotalTokens);
        Assert.Null(result.Completion.Usage.Cost);
    }

    [Theory(Timeout = 30_000)]
    [InlineData("prompt_tokens_details", """[{"cached_tokens":99,"cache_write_tokens":98}]""")]
    [InlineData("completion_tokens_details", """[{"reasoning_tokens":99}]""")]
    [InlineData("cost", """{"cost":5}""")]
    [InlineData("cost_details", """[{"upstream_inference_cost":3}]""")]
    [InlineData("cost_details", """{"other":{"upstream_inference_cost":3}}""")]
    public async Task A_detail_of_the_wrong_type_that_holds_our_field_names_is_skipped_whole(string name, string value)
    {
        // Nothing inside the wrong-typed value may be read as ours, and the counts after it must still be.
        var usage = await UsageOfAsync($$"""{"prompt_tokens":10,"{{name}}":{{value}},"completion_tokens":8,"total_tokens":18}""", TestContext.Current.CancellationToken);

        Assert.Equal(10, usage.InputTokens);
        Assert.Equal(8, usage.OutputTokens);
        Assert.Equal(18, usage.TotalTokens);
        Assert.Null(usage.CachedInputTokens);
        Assert.Null(usage.CacheWriteTokens);
        Assert.Null(usage.ReasoningTokens);
        Assert.Null(usage.Cost);
        Assert.Null(usage.UpstreamCost);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_usage_that_is_not_an_object_is_skipped_whole_and_the_chunk_after_it_read()
    {
        var sse = StreamReplay.Lines(
            """data: {"id":"u","usage":[{"prompt_tokens":50,"completion_tokens":1,"total_tokens":51}],"choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}]}""",
            """data: {"id":"u","choices":[{"index":0,"delta":{},"usage":[{"prompt_tokens":60,"completion_tokens":1,"total_tokens":61}],"finish_reason":"stop"}]}""",
            """data: {"id":"u","choices":[],"usage":{"prompt_tokens":4,"completion_tokens":1,"total_tokens":5}}""",
            "data: [DONE]");

        var result = await StreamReplay.ReplayAsync(sse, TestContext.Current.CancellationToken);

        Assert.Equal("Hi", result.Completion.Text);
        Assert.Equal(FinishReason.Stop, result.Completion.FinishReason);
        Assert.Equal(4, result.Completion.Usage!.InputTokens);
        Assert.Equal(5, result.Completion.Usage.TotalTokens);
    }

    [Theory(Timeout = 30_000)]
    [InlineData("3", "7", 7)]
    [InlineData("3", "null", 3)]
    [InlineData("null", "3", 3)]
    public async Task A_repeated_cache_write_count_keeps_the_last_one_reported(string first, string second, int expected)
    {
        // As for cached_tokens: a later value replaces an earlier one, a later null reports nothing and keeps it.
        var usage = await UsageOfAsync($$"""{"prompt_tokens":10,"completion_tokens":8,"prompt_tokens_details":{"cache_write_tokens":{{first}},"cache_write_tokens":{{second}},"cached_tokens":6},"total_tokens":18}""", TestContext.Current.CancellationToken);

        Assert.Equal(expected, usage.CacheWriteTokens);
        Assert.Equal(6, usage.CachedInputTokens);
        Assert.Equal(18, usage.TotalTokens);
    }

    [Theory(Timeout = 30_000)]
    [InlineData("""{"upstream_inference_cost":0.5}""", "0.5")]
    [InlineData("""{"upstream_inference_cost":null}""", "0.25")]
    [InlineData("null", "0.25")]
    public async Task A_repeated_cost_details_object_keeps_the_last_upstream_cost_reported(string second, string expected)
    {
        var usage = await UsageOfAsync($$"""{"prompt_tokens":10,"completion_tokens":8,"cost_details":{"upstream_inference_cost":0.25},"cost_details":{{second}},"total_tokens":18}""", TestContext.Current.CancellationToken);

        Assert.Equal(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), usage.UpstreamCost);
        Assert.Equal(18, usage.TotalTokens);
    }

    [Theory(Timeout = 30_000)]
    [InlineData("prompt_tokens")]
    [InlineData("completion_tokens")]
    [InlineData("total_tokens")]
    [InlineData("cached_tokens")]
    [InlineData("reasoning_tokens")]
    [InlineData("completion_tokens_details.reasoning_tokens")]
    [InlineData("prompt_tokens_details.cached_tokens")]
    [InlineData("cost")]
    [InlineData("cost_details.upstream_inference_cost")]
    public async Task Every_field_sent_twice_keeps_the_last_value_reported_and_a_later_null_erases_nothing(string field)
    {
        // One rule at every depth: a later value replaces an earlier one; a later null or wrong-typed value reports nothing.
        var baseline = """ "prompt_tokens":100,"completion_tokens":50,"total_tokens":150""";
        var replaced = await UsageOfAsync("{" + baseline + "," + Twice(field, "7", "9") + "}", TestContext.Current.CancellationToken);
        var nulled = await UsageOfAsync("{" + baseline + "," + Twice(field, "7", "null") + "}", TestContext.Current.CancellationToken);
        var wrongType = await UsageOfAsync("{" + baseline + "," + Twice(field, "7", "\"x\"") + "}", TestContext.Current.CancellationToken);

        Assert.Equal(9m, Read(replaced, field));
        Assert.Equal(7m, Read(nulled, field));
        Assert.Equal(7m, Read(wrongType, field));

        // The field twice in a row; for a detail, twice inside one object and then the same object again (a repeat of the
        // object must not erase what the first one reported either). Base counts come first, so the repeat decides.
        static string Twice(string path, string first, string second) => path.Split('.') switch
        {
            [var name] => $"\"{name}\":{first},\"{name}\":{second}",
            [var parent, var name] => $"\"{parent}\":{{\"{name}\":{first},\"{name}\":{second}}},\"{parent}\":{{\"{name}\":{second}}}",
            _ => throw new ArgumentException(path),
        };

        static decimal? Read(TokenUsage usage, string path) => path switch
        {
            "prompt_tokens" => usage.InputTokens,
            "completion_tokens" => usage.OutputTokens,
            "total_tokens" => usage.TotalTokens,
            "cached_tokens" or "prompt_tokens_details.cached_tokens" => usage.CachedInputTokens,
            "reasoning_tokens" or "completion_tokens_details.reasoning_tokens" => usage.ReasoningTokens,
            "cost" => usage.Cost,
            "cost_details.upstream_inference_cost" => usage.UpstreamCost,
            _ => throw new ArgumentException(path),
        };
    }

    [Theory(Timeout = 30_000)]
    [InlineData("true", "null", true)]
    [InlineData("true", "\"no\"", true)]
    [InlineData("true", "false", false)]
    [InlineData("false", "true", true)]
    public async Task Is_byok_sent_twice_keeps_the_last_value_reported(string first, string second, bool expected)
    {
        var usage = await UsageOfAsync($$"""{"prompt_tokens":10,"completion_tokens":8,"is_byok":{{first}},"is_byok":{{second}},"total_tokens":18}""", TestContext.Current.CancellationToken);

        Assert.Equal(expected, usage.IsByok);
        Assert.Equal(18, usage.TotalTokens);
    }

    [Theory(Timeout = 30_000)]
    [InlineData("""{"prompt_tokens":99,"total_tokens":99}""")]
    [InlineData("""[{"prompt_tokens":99},{"total_tokens":99}]""")]
    public async Task An_is_byok_that_is_an_object_or_array_is_skipped_whole_and_the_fields_after_it_read(string value)
    {
        // Nothing inside it may be read as a usage field, and the reader must come out after it, not inside it.
        var usage = await UsageOfAsync($$"""{"prompt_tokens":10,"is_byok":{{value}},"completion_tokens":8,"total_tokens":18,"cost":0.5}""", TestContext.Current.CancellationToken);

        Assert.Equal(10, usage.InputTokens);
        Assert.Equal(8, usage.OutputTokens);
        Assert.Equal(18, usage.TotalTokens);
        Assert.Equal(0.5m, usage.Cost);
        Assert.Null(usage.IsByok);
    }
}

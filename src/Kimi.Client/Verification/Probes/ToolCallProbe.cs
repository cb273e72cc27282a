namespace Kimi.Client.Verification.Probes;

/// <summary>
/// P4: over N trials (half need the tool, half must not use it; half streamed), calls come with <c>finish_reason</c>
/// <c>tool_calls</c>, name a declared tool, and carry arguments valid against its schema (the K2VV rule); the model calls
/// when it should (≥ 7/8 agreement); no raw tool-call markers leak into the text.
/// </summary>
internal sealed class ToolCallProbe : Probe
{
    public const string NeedsTool = "What is the weather in Paris right now? Use the tool.";
    public const string NoTool = "Say hello. Do not use any tool.";
    private static readonly string[] Markers = ["<|tool_calls_section_begin|>", "<|tool_call_begin|>"];

    public override string Id => "P4";

    public override string Name => "Tool calls over N trials";

    public override async Task RunAsync(ProbeContext context, CheckBuilder check, CancellationToken cancellationToken)
    {
        var trials = context.Options.Trials;
        check.Expected = $"{trials} trials: calls end with finish_reason tool_calls, arguments valid against the schema, trigger agreement ≥ 7/8, no raw markers";
        int answered = 0, agreed = 0, calls = 0, errors = 0;
        string? lastError = null;
        for (var i = 0; i < trials; i++)
        {
            var needsTool = i % 2 == 0;
            var options = new ChatCompletionOptions { MaxOutputTokens = 512, ToolChoice = ToolChoice.Auto };
            options.Tools.Add(WeatherTool.Declaration);
            var messages = Ask(needsTool ? NeedsTool : NoTool);
            var outcome = (i / 2) % 2 == 1
                ? await context.StreamAsync(check, context.Client, messages, options, cancellationToken).ConfigureAwait(false)
                : await context.CompleteAsync(check, context.Client, messages, options, cancellationToken).ConfigureAwait(false);
            if (!outcome.Succeeded)
            {
                errors++;
                lastError = outcome.Describe();
                continue;
            }

            answered++;
            var completion = outcome.Completion!;
            var raw = Markers.Any(m => completion.Text.Contains(m, StringComparison.Ordinal) || completion.Reasoning?.Contains(m, StringComparison.Ordinal) == true);
            if (raw || completion.ToolCallsRecoveredFromText)
            {
                context.Facts.RawToolMarkers = true;
            }

            var called = completion.ToolCalls.Count > 0 || raw;
            agreed += called == needsTool ? 1 : 0;
            if (completion.ToolCalls.Count == 0)
            {
                continue;
            }

            calls += completion.ToolCalls.Count;
            context.Facts.ParsedCalls.AddRange(completion.ToolCalls); // recovered from text too: the SDK parsed them
            if (!completion.ToolCallsRecoveredFromText) // a recovered section ends with "stop": that belongs to the raw-markers finding
            {
                if (completion.FinishReason != FinishReason.ToolCalls)
                {
                    check.Deviation("tools.finish-reason", $"tool calls with finish_reason '{completion.FinishReason?.Value ?? "(none)"}'");
                }
            }

            foreach (var call in completion.ToolCalls)
            {
                if (WeatherTool.Validate(call) is { } problem)
                {
                    check.Deviation("tools.schema-invalid", $"{call.Name}: {problem}");
                    check.Evidence("arguments: " + call.Arguments);
                }
            }
        }

        if (answered == 0)
        {
            check.Error($"no trial was answered ({errors} failed; last: {lastError})");
            return;
        }

        if (errors > 0)
        {
            check.Observe($"{errors} of {trials} trials failed ({lastError}) and were not judged");
        }

        check.Pass($"{calls} call(s) in {answered} answered trial(s), trigger agreement {agreed}/{answered}");
        if (agreed * 8 < answered * 7)
        {
            check.Deviation("tools.trigger", $"trigger agreement {agreed}/{answered} is below 7/8");
        }

        if (context.Facts.RawToolMarkers)
        {
            if (context.Profile.RecoverToolCallsFromText)
            {
                check.Info("tools.raw-markers", "tool calls arrive as text; the profile recovers them (RecoverToolCallsFromText)");
            }
            else
            {
                check.Deviation("tools.raw-markers", "the tool-call section arrived as text in content (a server without --tool-call-parser kimi_k2)");
            }
        }
    }
}

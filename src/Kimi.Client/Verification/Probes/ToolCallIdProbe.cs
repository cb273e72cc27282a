namespace Kimi.Client.Verification.Probes;

/// <summary>
/// P5: the ids of P4's calls have the host's documented shape, and a history carrying a foreign id (<c>call_abc123</c>) is
/// accepted and answered with a parseable call whose id still has that shape.
/// </summary>
internal sealed class ToolCallIdProbe : Probe
{
    public const string Followup = "Now check Berlin with the tool as well.";

    public override string Id => "P5";

    public override string Name => "Tool-call id format";

    public override async Task RunAsync(ProbeContext context, CheckBuilder check, CancellationToken cancellationToken)
    {
        var profile = context.Profile;
        var shape = profile.ToolCallIdFormat;
        check.Expected = shape is null ? "ids: unconfirmed shape; a foreign id in history is accepted" : $"ids like {profile.FormatToolCallId(WeatherTool.Name, 0)}; a foreign id in history is accepted";
        if (context.Facts.ParsedCalls.Count == 0)
        {
            check.Skip("no parsed tool call to read ids from (P4)");
            return;
        }

        Judge(context, check, context.Facts.ParsedCalls.Select(static c => c.Id));

        var foreign = new ToolCall("call_abc123", WeatherTool.Name, """{"city":"Paris","unit":"celsius"}""");
        var assistant = new KimiMessage(MessageRole.Assistant);
        assistant.ToolCalls.Add(foreign);
        KimiMessage[] history =
        [
            KimiMessage.User(ToolCallProbe.NeedsTool),
            assistant,
            KimiMessage.Tool(foreign.Id, """{"temperature_c":21,"condition":"sunny"}"""),
            KimiMessage.User(Followup),
        ];
        var options = new ChatCompletionOptions { Thinking = context.Off, MaxOutputTokens = 256 };
        options.Tools.Add(WeatherTool.Declaration);
        var outcome = await context.CompleteAsync(check, context.Client, history, options, cancellationToken).ConfigureAwait(false);
        if (outcome.IsRefusal)
        {
            check.Deviation("ids.not-echoable", $"a history with the foreign id call_abc123 was refused ({outcome.Describe()})");
            check.Evidence(outcome.Describe());
        }
        else if (!outcome.Succeeded)
        {
            check.Error(outcome.Describe());
        }
        else if (outcome.Completion!.ToolCalls.Count == 0 || outcome.Completion.ToolCalls.Any(static c => c.Name != WeatherTool.Name))
        {
            check.Deviation("ids.not-echoable", "after the foreign id, no parseable get_weather call came back");
        }
        else
        {
            check.Pass("a history with a foreign id was accepted");
            Judge(context, check, outcome.Completion.ToolCalls.Select(static c => c.Id));
        }
    }

    private static void Judge(ProbeContext context, CheckBuilder check, IEnumerable<string> ids)
    {
        foreach (var id in ids.Distinct(StringComparer.Ordinal))
        {
            switch (context.Profile.MatchesToolCallIdFormat(id))
            {
                case true:
                    check.Pass($"id {id} has the documented shape");
                    break;
                case false:
                    check.Deviation("ids.format-unexpected", $"id {id} is not shaped like {context.Profile.FormatToolCallId(WeatherTool.Name, 0)} (the SDK echoes it verbatim; the host rewrites ids)");
                    break;
                default:
                    check.Info("ids.format-unconfirmed", $"id {id}; this host's id shape is unconfirmed");
                    break;
            }
        }
    }
}

namespace Kimi.Client.Verification.Probes;

/// <summary>
/// P1: thinking off is obeyed (no reasoning, an answer) and thinking on is obeyed (reasoning under any name, or inline).
/// Where the reasoning arrived is P2's concern, not this one's.
/// </summary>
internal sealed class ThinkingSwitchProbe : Probe
{
    public const string Prompt = "Reply with the single word: pong";

    public override string Id => "P1";

    public override string Name => "Thinking on/off obeyed";

    public override async Task RunAsync(ProbeContext context, CheckBuilder check, CancellationToken cancellationToken)
    {
        var sw = context.Profile.ThinkingSwitch;
        check.Expected = $"off ({sw.Disabled}): no reasoning and an answer; on (host default): reasoning";
        var off = await context.CompleteAsync(check, context.Client, Ask(Prompt), new ChatCompletionOptions { Thinking = ThinkingMode.Disabled, MaxOutputTokens = 32 }, cancellationToken).ConfigureAwait(false);
        var on = await context.CompleteAsync(check, context.Client, Ask(Prompt), new ChatCompletionOptions { MaxOutputTokens = 1024 }, cancellationToken).ConfigureAwait(false);
        context.Facts.ThinkingOn = on;

        if (on.Succeeded)
        {
            context.Facts.Thought = ProbeContext.Thought(on.Completion!);
            if (context.Facts.Thought)
            {
                check.Pass("on: reasoned");
            }
            else
            {
                check.Deviation("thinking.on-ignored", "on: no reasoning under any name, none inline");
            }
        }
        else
        {
            check.Error("on: " + on.Describe());
        }

        if (off.Succeeded)
        {
            if (ProbeContext.Thought(off.Completion!))
            {
                check.Deviation("thinking.off-ignored", "off: reasoning came back anyway");
                check.Evidence("reasoning: " + (off.Completion!.Reasoning ?? off.Completion.Text));
            }
            else
            {
                check.Pass(off.Completion!.Text.Trim().Length > 0 ? "off: answered without reasoning" : "off: no reasoning (empty answer)");
            }
        }
        else if (off.IsRefusal && on.Succeeded)
        {
            context.Facts.SwitchRejected = true; // later "thinking off" requests go without the switch
            check.Deviation("thinking.switch-rejected", $"off: the switch was refused ({off.Describe()})");
            check.Evidence(off.Describe());
        }
        else
        {
            check.Error("off: " + off.Describe());
        }
    }
}

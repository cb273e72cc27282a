namespace Kimi.Client.Agents;

/// <summary>A streamed piece of the model's answer (only with <see cref="KimiAgentOptions.UseStreaming"/>).</summary>
public sealed class KimiAgentModelUpdate : KimiAgentEvent
{
    internal KimiAgentModelUpdate(string runId, int step, ChatCompletionUpdate update)
        : base(runId, step) => Update = update;

    /// <summary>The streamed update.</summary>
    public ChatCompletionUpdate Update { get; }
}

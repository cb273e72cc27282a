namespace Kimi.Client.Ecosystem.Tests.Mcp;

/// <summary>How the tools are driven: Kimi.Client's own agent, or Microsoft.Extensions.AI's function-invoking pipeline.</summary>
public enum Driver
{
    KimiAgent,
    ChatClientPipeline,
    ChatClientPipelineStreaming,
}

namespace Kimi.Client.Ecosystem.Tests.Infrastructure;

/// <summary>The emulator dialects these tests run on.</summary>
public enum Dialect
{
    Moonshot,
    Vllm,
    DeepInfra,
    OpenRouter,
}

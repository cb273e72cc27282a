namespace Kimi.Client.Ecosystem.Tests.Infrastructure;

/// <summary>The emulator dialects these tests run on (OpenRouter's does not exist in the emulator yet).</summary>
public enum Dialect
{
    Moonshot,
    Vllm,
    DeepInfra,
}

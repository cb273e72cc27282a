using System.Text;

namespace Kimi.Client.Testing.Processing;

/// <summary>A deterministic token estimate: one token per four UTF-8 bytes, rounded up.</summary>
internal static class TokenEstimate
{
    public static int Of(string? text) => string.IsNullOrEmpty(text) ? 0 : (Encoding.UTF8.GetByteCount(text) + 3) / 4;
}

namespace Kimi.Client.Tests.Infrastructure;

/// <summary>Reads payload fixtures that live beside the tests (copied to the output folder).</summary>
internal static class Fixtures
{
    public static string Text(string relativePath) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, relativePath));

    public static byte[] Bytes(string relativePath) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, relativePath));
}

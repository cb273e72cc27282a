using System.Text.Json;
using System.Text.Json.Nodes;

namespace Kimi.Client.Tests.Infrastructure;

/// <summary>Compares JSON by meaning (property order ignored), failing with both documents pretty-printed.</summary>
internal static class JsonAssert
{
    private static readonly JsonSerializerOptions Pretty = new() { WriteIndented = true };

    public static void Equal(string expected, string actual)
    {
        var e = JsonNode.Parse(expected);
        var a = JsonNode.Parse(actual);
        if (!JsonNode.DeepEquals(e, a))
        {
            Assert.Fail($"JSON differs.\nExpected:\n{e?.ToJsonString(Pretty)}\nActual:\n{a?.ToJsonString(Pretty)}");
        }
    }
}

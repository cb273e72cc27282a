using System.Text.Encodings.Web;
using System.Text.Json;

namespace Kimi.Client.Cli;

/// <summary>
/// Writes what <c>kimi verify</c> observed as configuration a client can load (<c>Kimi:Provider</c> plus a host under
/// <c>Kimi:Hosts</c>, the shape of <see cref="KimiHostOptions"/>): <c>AddKimiClient(configuration.GetSection("Kimi"))</c>.
/// The key is never written, only the variable it is read from.
/// </summary>
internal static class ProfileWriter
{
    public static string HostName(string provider) => provider + "Verified";

    public static void Write(Stream stream, string hostName, KimiHostOptions host)
    {
        using var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        writer.WriteStartObject();
        writer.WriteStartObject("Kimi");
        writer.WriteString("Provider", hostName);
        writer.WriteStartObject("Hosts");
        writer.WriteStartObject(hostName);
        Text(writer, "BasedOn", host.BasedOn);
        Text(writer, "Endpoint", host.Endpoint?.AbsoluteUri);
        Text(writer, "Model", host.Model);
        Text(writer, "ApiKeyVariable", host.ApiKeyVariable);
        Number(writer, "ContextWindow", host.ContextWindow);
        List(writer, "ReasoningWriteFields", host.ReasoningWriteFields);
        Flag(writer, "RequiresReasoningOnToolCallTurns", host.RequiresReasoningOnToolCallTurns);
        Flag(writer, "SamplingIsPinned", host.SamplingIsPinned);
        Flag(writer, "InlineReasoning", host.InlineReasoning);
        Flag(writer, "RecoverToolCallsFromText", host.RecoverToolCallsFromText);
        List(writer, "RequestIdHeaders", host.RequestIdHeaders);
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static void Text(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }

    private static void Number(Utf8JsonWriter writer, string name, int? value)
    {
        if (value is { } number)
        {
            writer.WriteNumber(name, number);
        }
    }

    private static void Flag(Utf8JsonWriter writer, string name, bool? value)
    {
        if (value is { } flag)
        {
            writer.WriteBoolean(name, flag);
        }
    }

    private static void List(Utf8JsonWriter writer, string name, string[]? values)
    {
        if (values is null)
        {
            return;
        }

        writer.WriteStartArray(name);
        foreach (var value in values)
        {
            writer.WriteStringValue(value);
        }

        writer.WriteEndArray();
    }
}

using System.Text.Json;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace TestMcpServer;

/// <summary>A tool whose input schema is given as JSON text, as a server written in another language might publish it; optionally its result is flagged as an error.</summary>
public sealed class RawSchemaTool(string name, string description, string schema, Func<IDictionary<string, JsonElement>, string> invoke, bool isError = false) : McpServerTool
{
    /// <inheritdoc/>
    public override Tool ProtocolTool { get; } = new() { Name = name, Description = description, InputSchema = JsonDocument.Parse(schema).RootElement.Clone() };

    /// <inheritdoc/>
    public override IReadOnlyList<object> Metadata => [];

    /// <inheritdoc/>
    public override ValueTask<CallToolResult> InvokeAsync(RequestContext<CallToolRequestParams> request, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(new CallToolResult
        {
            Content = [new TextContentBlock { Text = invoke(request.Params?.Arguments ?? new Dictionary<string, JsonElement>()) }],
            IsError = isError ? true : null,
        });
}

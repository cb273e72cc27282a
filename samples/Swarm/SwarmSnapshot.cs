using System.Text.Encodings.Web;
using System.Text.Json;
using Kimi.Client.Agents;

/// <summary>The page's view of the event tree: each run's state, steps, tokens and cost, and the totals rolled up to the orchestrator.</summary>
internal static class SwarmSnapshot
{
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Json(KimiSwarmTree tree, int? maxSteps)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            writer.WriteStartObject();
            if (tree.Root is { } root)
            {
                writer.WritePropertyName("orchestrator");
                Node(writer, root);
                writer.WriteNumber("totalSteps", root.TotalSteps);
                writer.WriteNumber("totalTokens", root.TotalUsage.TotalTokens);
                writer.WriteNumber("totalCost", root.TotalCostUsd ?? 0m);
                if (maxSteps is { } limit)
                {
                    writer.WriteNumber("maxSteps", limit);
                }

                writer.WriteStartArray("agents");
                foreach (var child in root.Children)
                {
                    Node(writer, child);
                }

                writer.WriteEndArray();
            }

            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void Node(Utf8JsonWriter writer, KimiSwarmNode node)
    {
        writer.WriteStartObject();
        writer.WriteString("id", node.RunId);
        writer.WriteString("name", node.Name);
        writer.WriteString("state", node.State.ToString());
        writer.WriteNumber("steps", node.Steps);
        writer.WriteNumber("tools", node.ToolCalls);
        writer.WriteNumber("tokens", node.Usage.TotalTokens);
        writer.WriteNumber("cost", node.CostUsd ?? 0m);
        if (node.Error is { } error)
        {
            writer.WriteString("error", error);
        }

        writer.WriteEndObject();
    }
}

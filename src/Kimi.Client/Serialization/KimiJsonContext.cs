using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Kimi.Client.Serialization;

/// <summary>Source-generated serialization for the few DOM types the library writes (no reflection, NativeAOT clean).</summary>
[JsonSerializable(typeof(JsonObject))]
[JsonSerializable(typeof(JsonNode))]
internal sealed partial class KimiJsonContext : JsonSerializerContext;

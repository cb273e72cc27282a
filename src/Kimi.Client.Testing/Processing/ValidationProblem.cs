using System.Text.Json;

namespace Kimi.Client.Testing.Processing;

/// <summary>
/// A malformed request body: DeepInfra reports it as a FastAPI 422 <c>detail</c> item (type, loc, msg, input); the other
/// dialects as a 400 carrying <see cref="Summary"/>.
/// </summary>
internal sealed record ValidationProblem(string Type, IReadOnlyList<object> Location, string Message, JsonElement Input, string Summary);

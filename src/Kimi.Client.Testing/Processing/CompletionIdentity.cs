namespace Kimi.Client.Testing.Processing;

/// <summary>The id, creation time and model echoed in every chunk of one completion.</summary>
internal readonly record struct CompletionIdentity(string Id, long Created, string Model);

namespace Kimi.Client.Orleans.Tests;

/// <summary>One grain state in <see cref="SharedGrainStorage"/>: its serialized bytes and ETag.</summary>
internal sealed record StoredState(byte[] Data, string ETag);

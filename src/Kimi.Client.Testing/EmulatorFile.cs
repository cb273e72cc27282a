namespace Kimi.Client.Testing;

/// <summary>A file uploaded to the emulator's files endpoint (Moonshot dialect).</summary>
/// <param name="Id">The file id, such as <c>file-emu-0001</c>; messages reference it as <c>ms://&lt;id&gt;</c>.</param>
/// <param name="FileName">The name it was uploaded under.</param>
/// <param name="Purpose">The <c>purpose</c> form field (<c>image</c>, <c>video</c> or <c>file-extract</c>).</param>
/// <param name="MediaType">The file part's <c>Content-Type</c>, if it had one.</param>
/// <param name="Content">The uploaded bytes.</param>
/// <param name="CreatedAt">The upload time, in Unix seconds (deterministic, like completion ids).</param>
public sealed record EmulatorFile(string Id, string FileName, string Purpose, string? MediaType, ReadOnlyMemory<byte> Content, long CreatedAt);

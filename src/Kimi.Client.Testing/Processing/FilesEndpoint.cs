using System.Text.Json;
using Kimi.Client.Testing.Dialects;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace Kimi.Client.Testing.Processing;

/// <summary>
/// The emulated files API, in dialects that have one (Moonshot): <c>POST {base}/files</c> (multipart: <c>file</c> and
/// <c>purpose</c>), <c>GET {base}/files</c>, <c>GET</c> and <c>DELETE {base}/files/{id}</c>. Shapes follow Moonshot's file
/// object (<c>id, object, bytes, created_at, filename, purpose, status, status_details</c>); the error texts are constructed.
/// </summary>
internal sealed class FilesEndpoint(EmulatorDialect dialect, KimiEmulatorOptions options, EmulatedFiles files)
{
    private static readonly string[] Purposes = ["image", "video", "file-extract"];

    private string FilesPath => dialect.BasePath + "/files";

    /// <summary>Whether the path is this endpoint's (only in dialects that serve files).</summary>
    public bool Serves(string path) =>
        dialect.ServesFiles && (string.Equals(path, FilesPath, StringComparison.Ordinal) || path.StartsWith(FilesPath + "/", StringComparison.Ordinal));

    public EmulatorResponse Handle(string method, string path, IReadOnlyDictionary<string, string> headers, byte[] body)
    {
        if (!BearerAuth.IsAuthorized(dialect, options, headers))
        {
            return dialect.Unauthorized();
        }

        string? id = path.Length > FilesPath.Length + 1 ? Uri.UnescapeDataString(path[(FilesPath.Length + 1)..]) : null;
        return (method.ToUpperInvariant(), id) switch
        {
            ("POST", null) => Upload(headers, body),
            ("GET", null) => List(),
            ("GET", { } fileId) => files.Find(fileId) is { } file ? Json(200, writer => WriteFile(writer, file)) : NotFound(fileId),
            ("DELETE", { } fileId) => files.Remove(fileId) ? Deleted(fileId) : NotFound(fileId),
            _ => dialect.MethodNotAllowed(method, path),
        };
    }

    private EmulatorResponse Upload(IReadOnlyDictionary<string, string> headers, byte[] body)
    {
        if (!headers.TryGetValue("Content-Type", out string? contentType)
            || !MediaTypeHeaderValue.TryParse(contentType, out MediaTypeHeaderValue? type)
            || !type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(type.Boundary).Value is not { Length: > 0 } boundary)
        {
            return dialect.Error(400, "Invalid request: the upload must be multipart/form-data with 'file' and 'purpose' fields");
        }

        string? purpose = null;
        string? fileName = null;
        string? mediaType = null;
        byte[]? content = null;
        var reader = new MultipartReader(boundary, new MemoryStream(body));

        // A MemoryStream completes every read synchronously, so this never blocks.
        while (reader.ReadNextSectionAsync().GetAwaiter().GetResult() is { } section)
        {
            if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out ContentDispositionHeaderValue? disposition))
            {
                continue;
            }

            using var buffer = new MemoryStream();
            section.Body.CopyTo(buffer);
            string name = HeaderUtilities.RemoveQuotes(disposition.Name).Value ?? string.Empty;
            if (name == "purpose")
            {
                purpose = System.Text.Encoding.UTF8.GetString(buffer.ToArray());
            }
            else if (name == "file")
            {
                fileName = HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value ?? "file";
                mediaType = section.ContentType;
                content = buffer.ToArray();
            }
        }

        if (content is null || content.Length == 0)
        {
            return dialect.Error(400, "Invalid request: the 'file' field is missing or empty");
        }

        if (purpose is null || Array.IndexOf(Purposes, purpose) < 0)
        {
            return dialect.Error(400, $"Invalid request: invalid purpose '{purpose}', expected one of: {string.Join(", ", Purposes)}");
        }

        // An image upload must be an image and a video upload a video (the file part's Content-Type).
        if (purpose is "image" or "video" && mediaType is not null && !mediaType.StartsWith(purpose + "/", StringComparison.OrdinalIgnoreCase))
        {
            return dialect.Error(400, $"Invalid request: unsupported {purpose} format: {mediaType}");
        }

        EmulatorFile file = files.Add(fileName!, purpose, mediaType, content);
        return Json(200, writer => WriteFile(writer, file));
    }

    private EmulatorResponse List() => Json(200, writer =>
    {
        writer.WriteString("object", "list");
        writer.WriteStartArray("data");
        foreach (EmulatorFile file in files.All)
        {
            writer.WriteStartObject();
            WriteFile(writer, file);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    });

    private static EmulatorResponse Deleted(string id) => Json(200, writer =>
    {
        writer.WriteString("id", id);
        writer.WriteString("object", "file");
        writer.WriteBoolean("deleted", true);
    });

    private EmulatorResponse NotFound(string id) => dialect.Error(404, $"file not found: {id}");

    private static void WriteFile(Utf8JsonWriter writer, EmulatorFile file)
    {
        writer.WriteString("id", file.Id);
        writer.WriteString("object", "file");
        writer.WriteNumber("bytes", file.Content.Length);
        writer.WriteNumber("created_at", file.CreatedAt);
        writer.WriteString("filename", file.FileName);
        writer.WriteString("purpose", file.Purpose);
        writer.WriteString("status", "ok");
        writer.WriteString("status_details", string.Empty);
    }

    private static EmulatorResponse Json(int statusCode, Action<Utf8JsonWriter> write) =>
        EmulatorResponse.Json(statusCode, JsonText.Write(writer =>
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }));
}

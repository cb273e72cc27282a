using System.Collections.Concurrent;
using System.Globalization;

namespace Kimi.Client.Testing.Processing;

/// <summary>The emulator's uploaded files, keyed by id; thread-safe.</summary>
internal sealed class EmulatedFiles
{
    private const long CreatedBase = 1767225600;
    private readonly ConcurrentDictionary<string, EmulatorFile> _files = new(StringComparer.Ordinal);
    private int _sequence;

    public IReadOnlyList<EmulatorFile> All => _files.Values.OrderBy(static f => f.Id, StringComparer.Ordinal).ToArray();

    public EmulatorFile Add(string fileName, string purpose, string? mediaType, byte[] content)
    {
        int sequence = Interlocked.Increment(ref _sequence);
        var file = new EmulatorFile("file-emu-" + sequence.ToString("D4", CultureInfo.InvariantCulture), fileName, purpose, mediaType, content, CreatedBase + sequence);
        _files[file.Id] = file;
        return file;
    }

    public static bool IsEmulatorId(string id) => id.StartsWith("file-emu-", StringComparison.Ordinal);

    public EmulatorFile? Find(string id) => _files.TryGetValue(id, out EmulatorFile? file) ? file : null;

    public bool Remove(string id) => _files.TryRemove(id, out _);
}

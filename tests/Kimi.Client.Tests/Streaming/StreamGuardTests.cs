using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Kimi.Client.Streaming;

namespace Kimi.Client.Tests.Streaming;

/// <summary>
/// The stream guard counts the bytes of the event being received and refuses one that outgrows
/// <see cref="KimiLimitOptions.MaxStreamEventBytes"/>. It must find every event's end — a blank line in LF, CRLF or CR
/// form, wherever the reads split it (a missed end adds the next event to this one and refuses a stream of small
/// events) — and must still refuse one event that is too large, however it arrives.
/// </summary>
public class StreamGuardTests
{
    private static readonly string[] LineEndings = ["\n", "\r\n", "\r"];

    [Fact(Timeout = 60_000)]
    public async Task Events_within_the_limit_pass_whatever_their_line_endings_and_however_the_reads_split_them()
    {
        var property = Prop.ForAll(Gen.Choose(0, int.MaxValue).ToArbitrary(), seed =>
        {
            var random = new Random(seed);
            var (bytes, longest) = Events(random, count: 20 + random.Next(80), maxPayload: 40);

            // The limit is the longest event, terminator included: every event fits, and two events together do not.
            var passed = ReadThrough(bytes, maxEventBytes: longest, random, maxRead: 1 + random.Next(64));

            Assert.Equal(bytes, passed);
        });

        await Task.Run(() => property.Check(Config.QuickThrowOnFailure.WithMaxTest(400)), TestContext.Current.CancellationToken);
    }

    [Fact(Timeout = 60_000)]
    public async Task One_event_larger_than_the_limit_is_refused_however_the_reads_split_it()
    {
        var property = Prop.ForAll(Gen.Choose(0, int.MaxValue).ToArbitrary(), seed =>
        {
            var random = new Random(seed);
            var (before, _) = Events(random, count: random.Next(10), maxPayload: 40);
            var eol = LineEndings[random.Next(LineEndings.Length)];
            var large = Encoding.UTF8.GetBytes($"data: {new string('x', 200)}{eol}{eol}");

            var exception = Assert.Throws<EventTooLargeException>(() =>
                ReadThrough([.. before, .. large], maxEventBytes: 120, random, maxRead: 1 + random.Next(64)));

            Assert.Equal(120, exception.Limit);
        });

        await Task.Run(() => property.Check(Config.QuickThrowOnFailure.WithMaxTest(200)), TestContext.Current.CancellationToken);
    }

    [Theory]
    [InlineData("\n", 2)]   // "…\n" | "\n…"
    [InlineData("\r\n", 3)] // "…\r\n" | "\r\n…" and "…\r\n\r" | "\n…"
    [InlineData("\r", 2)]   // "…\r" | "\r…"
    public void An_event_end_split_across_two_reads_is_still_an_end(string eol, int terminatorBytes)
    {
        // Two events of 30 bytes each under a limit of 40: only a missed end between them could refuse the stream.
        var first = Encoding.UTF8.GetBytes($"data: {new string('a', 30 - 6 - (2 * eol.Length))}{eol}{eol}");
        var second = Encoding.UTF8.GetBytes($"data: {new string('b', 30 - 6 - (2 * eol.Length))}{eol}{eol}");
        byte[] all = [.. first, .. second];

        for (var split = first.Length - terminatorBytes + 1; split < first.Length; split++)
        {
            using var watchdog = Watchdog();
            using var guard = new StreamGuard(new MemoryStream(all), maxEventBytes: 40, watchdog);
            var buffer = new byte[all.Length];

            // The first read ends inside the blank line; the second ends before the second event's own end, so only the
            // first event's end (across the seam) can restart the count.
            var read = guard.Read(buffer.AsSpan(0, split));
            read += guard.Read(buffer.AsSpan(read, all.Length - (2 * eol.Length) - read));
            while (guard.Read(buffer.AsSpan(read)) is var more and > 0)
            {
                read += more;
            }

            Assert.Equal(all, buffer[..read]);
        }
    }

    private static (byte[] Bytes, int Longest) Events(Random random, int count, int maxPayload)
    {
        var bytes = new List<byte>();
        var longest = 0;
        for (var i = 0; i < count; i++)
        {
            // Each event in its own line-ending style (a stream that mixes them is still SSE), sometimes a comment line first.
            var eol = LineEndings[random.Next(LineEndings.Length)];
            var comment = random.Next(4) == 0 ? $": keep-alive{eol}" : string.Empty;
            var text = $"{comment}data: {new string((char)('a' + random.Next(26)), random.Next(maxPayload))}{eol}{eol}";
            var encoded = Encoding.UTF8.GetBytes(text);
            longest = Math.Max(longest, encoded.Length);
            bytes.AddRange(encoded);
        }

        return (bytes.ToArray(), Math.Max(longest, 1));
    }

    private static byte[] ReadThrough(byte[] bytes, long maxEventBytes, Random random, int maxRead)
    {
        using var watchdog = Watchdog();
        using var guard = new StreamGuard(new MemoryStream(bytes), maxEventBytes, watchdog);
        var output = new MemoryStream();
        var buffer = new byte[maxRead];
        int read;
        while ((read = guard.Read(buffer.AsSpan(0, 1 + random.Next(maxRead)))) > 0)
        {
            output.Write(buffer, 0, read);
        }

        return output.ToArray();
    }

    private static StreamWatchdog Watchdog() => new(TimeSpan.FromMinutes(5), TimeProvider.System);
}

namespace Kimi.Client.Tests.Content;

/// <summary>Media types come from the caller, else the first bytes, else the file extension; otherwise a clear error.</summary>
public class MediaTypeSniffingTests
{
    [Theory]
    [InlineData(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13 }, "image/png")]
    [InlineData(new byte[] { 0xFF, 0xD8, 0xFF, 0xE0, 0, 16, 0x4A, 0x46, 0x49, 0x46, 0, 1 }, "image/jpeg")]
    [InlineData(new byte[] { 0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 1, 0, 1, 0, 0, 0 }, "image/gif")]
    [InlineData(new byte[] { 0x52, 0x49, 0x46, 0x46, 0x24, 0, 0, 0, 0x57, 0x45, 0x42, 0x50 }, "image/webp")]
    [InlineData(new byte[] { 0, 0, 0, 0x18, 0x66, 0x74, 0x79, 0x70, 0x69, 0x73, 0x6F, 0x6D }, "video/mp4")]
    [InlineData(new byte[] { 0, 0, 0, 0x14, 0x66, 0x74, 0x79, 0x70, 0x71, 0x74, 0x20, 0x20 }, "video/quicktime")]
    [InlineData(new byte[] { 0, 0, 0, 0x08, 0x77, 0x69, 0x64, 0x65, 0, 0, 0, 0 }, "video/quicktime")]
    [InlineData(new byte[] { 0x1A, 0x45, 0xDF, 0xA3, 0x9F, 0x42, 0x86, 0x81, 1, 0x42, 0xF7, 0x81 }, "video/webm")]
    public void The_first_bytes_give_the_media_type(byte[] header, string expected)
    {
        Assert.Equal(expected, MediaTypes.Sniff(header));
        MediaPart part = expected.StartsWith("image/", StringComparison.Ordinal) ? ImagePart.FromBytes(header) : VideoPart.FromBytes(header);
        Assert.Equal(expected, part.MediaType);
    }

    [Fact]
    public void The_callers_media_type_wins_over_sniffing_and_is_normalized()
    {
        Assert.Equal("image/jpeg", ImagePart.FromBytes(MediaTestKit.Png, " Image/JPEG; charset=binary ").MediaType);
    }

    [Fact]
    public void A_generic_octet_stream_type_is_treated_as_unknown_and_sniffed()
    {
        Assert.Equal("image/png", ImagePart.FromBytes(MediaTestKit.Png, "application/octet-stream").MediaType);
    }

    [Fact]
    public void Unrecognized_bytes_fall_back_to_the_file_extension()
    {
        var path = MediaTestKit.TempFile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], ".webm");
        try
        {
            var part = VideoPart.FromFile(path);

            Assert.Equal("video/webm", part.MediaType);
            Assert.Equal(12, part.Length);
            Assert.Equal(Path.GetFullPath(path), part.FilePath);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Unknown_bytes_and_extension_are_a_clear_error()
    {
        var path = MediaTestKit.TempFile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], ".bin");
        try
        {
            var error = Assert.Throws<ArgumentException>(() => ImagePart.FromFile(path));

            Assert.StartsWith($"Could not tell the media type of '{Path.GetFileName(path)}': its first bytes are not PNG, JPEG, GIF, WebP, MP4, MOV or WebM and its extension is not known. Pass the media type, for example image/png.", error.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_data_url_gives_its_media_type_and_size()
    {
        var part = ImagePart.FromUri(new Uri("data:image/gif;base64,R0lGODlhAQABAAAAACw="));

        Assert.Equal("image/gif", part.MediaType);
        Assert.False(part.IsInline);
        Assert.Equal(15, part.Length); // 20 base64 characters decode to at most 15 bytes
    }
}

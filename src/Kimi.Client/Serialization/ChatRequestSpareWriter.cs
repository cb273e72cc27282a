using System.Text.Json;

namespace Kimi.Client.Serialization;

/// <summary>
/// A <see cref="Utf8JsonWriter"/> and the <see cref="PooledBufferWriter"/> it writes into, kept by
/// <see cref="ChatRequestWriter"/> per thread so a buffered request body allocates neither (the array itself is rented per
/// body and handed to the request content).
/// </summary>
internal sealed class ChatRequestSpareWriter
{
    public ChatRequestSpareWriter()
    {
        Output = new PooledBufferWriter(0);
        Output.Dispose(); // no array until a body is written: Rent takes one then
        Json = new Utf8JsonWriter(Output, ChatRequestWriter.WriterOptions);
    }

    public PooledBufferWriter Output { get; }

    public Utf8JsonWriter Json { get; }
}

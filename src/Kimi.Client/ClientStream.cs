using System.Runtime.CompilerServices;
using Kimi.Client.Diagnostics;
using Kimi.Client.Http;
using Kimi.Client.Streaming;

namespace Kimi.Client;

public partial class KimiClient
{
    /// <summary>
    /// One client stream: sends on the first <see cref="MoveNextAsync"/>, then hands out the reader's updates with the call's
    /// telemetry and the client's scrubber around them. Written by hand rather than as an async iterator: an update that is
    /// already read passes straight through, without a second iterator's state machine stepping on every chunk.
    /// </summary>
    private sealed class ClientStream(
        KimiClient client, ChatRequest request, KimiMessage[] messages, ChatCompletionOptions? options, StreamState state, CancellationToken cancellationToken)
        : IAsyncEnumerator<ChatCompletionUpdate>
    {
        private KimiCallTelemetry? _telemetry; // the span ends with the stream: its last update, a failure, or an early dispose
        private SseChatReader? _updates;
        private ChatCompletionUpdate? _current;
        private bool _ended;

        public ChatCompletionUpdate Current => _current!;

        public ValueTask<bool> MoveNextAsync()
        {
            if (_ended)
            {
                return new ValueTask<bool>(false);
            }

            if (_updates is null)
            {
                return StartAsync();
            }

            ValueTask<bool> next;
            try
            {
                next = _updates.MoveNextAsync();
            }
            catch (Exception ex)
            {
                _ = Failed(ex); // the reader reports failures in its task; one thrown here is still the stream's end
                return ValueTask.FromException<bool>(ex);
            }

            return next.IsCompletedSuccessfully ? new ValueTask<bool>(Advance(next.Result)) : AwaitAsync(next);
        }

        public async ValueTask DisposeAsync()
        {
            try
            {
                if (_updates is not null)
                {
                    await _updates.DisposeAsync().ConfigureAwait(false);
                }
            }
            finally
            {
                _telemetry?.Dispose(); // an abandoned stream; after an end it does nothing
            }
        }

        private async ValueTask<bool> StartAsync()
        {
            _telemetry = KimiCallTelemetry.Start(client._settings, request, client._logger);
            ValueTask<bool> first;
            try
            {
                var sent = new TransportResult(await client._transport.SendAsync(request, messages, options, cancellationToken).ConfigureAwait(false));
                state.Splitter = InlineReasoningSplitter.For(sent, request, client._logger); // null unless the host has inline reasoning
                _updates = new SseChatReader(sent, state, client._logger, cancellationToken);
                first = _updates.MoveNextAsync(); // its first step starts the stream; a failure there comes back in the task
            }
            catch (Exception ex) when (Failed(ex))
            {
                throw; // unreachable: Failed returns false
            }

            return await AwaitAsync(first).ConfigureAwait(false);
        }

        [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))] // one per update that had to wait: pooled, not allocated
        private async ValueTask<bool> AwaitAsync(ValueTask<bool> next)
        {
            bool more;
            try
            {
                more = await next.ConfigureAwait(false);
            }
            catch (Exception ex) when (Failed(ex))
            {
                throw; // unreachable: Failed returns false
            }

            return Advance(more);
        }

        private bool Advance(bool more)
        {
            if (more)
            {
                _telemetry!.Chunk();
                _current = _updates!.Current;
                return true;
            }

            _ended = true;
            _current = null;
            if (state.Completion is { } completion)
            {
                completion.PrefillText = request.PrefillText;
                _telemetry!.Completed(completion);
                client.WarnIfEmpty(completion);
            }

            _telemetry!.Dispose();
            return false;
        }

        // Where exceptions leave the library: scrubbed by this client, recorded on the call's span and metrics. Returns false.
        private bool Failed(Exception exception)
        {
            _ended = true;
            return client.Scrubbed(exception) && _telemetry!.Failed(exception);
        }
    }
}

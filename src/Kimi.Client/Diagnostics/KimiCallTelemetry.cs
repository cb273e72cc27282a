using System.Buffers;
using System.Diagnostics;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Kimi.Client.Http;
using Microsoft.Extensions.Logging;

namespace Kimi.Client.Diagnostics;

/// <summary>
/// One call's span, metrics and summary log line: started before the request, ended exactly once by
/// <see cref="Completed"/>, <see cref="Failed"/> or (a stream abandoned by its reader) <see cref="Dispose"/>.
/// </summary>
internal sealed class KimiCallTelemetry : IDisposable
{
    private const string OperationName = "chat";
    private static readonly KimiCallTelemetry Off = new();

    private readonly ClientSettings _settings = null!;
    private readonly ILogger _logger = null!;
    private readonly bool _instrumentedByCaller;
    private readonly bool _stream;
    private readonly long _started;
    private readonly Activity? _activity;
    private readonly Activity? _callerActivity;
    private bool _sawChunk;
    private int _ended;

    private KimiCallTelemetry() => _ended = 1;

    private KimiCallTelemetry(ClientSettings settings, ChatRequest request, ILogger logger)
    {
        _settings = settings;
        _logger = logger;
        _stream = request.Stream;
        _started = Stopwatch.GetTimestamp();
        _instrumentedByCaller = request.Options?.InstrumentedByCaller == true;
        var capture = settings.Options.Telemetry?.CaptureContent == true;

        if (_instrumentedByCaller)
        {
            // Microsoft.Extensions.AI's OpenTelemetryChatClient owns the gen_ai.* span and metrics: only add our extras to its span.
            _callerActivity = Activity.Current is { } current && current.GetTagItem("gen_ai.operation.name") is not null ? current : null;
        }
        else if (KimiTelemetry.ActivitySource.HasListeners())
        {
            _activity = KimiTelemetry.ActivitySource.StartActivity($"{OperationName} {settings.Model}", ActivityKind.Client);
            if (_activity is { IsAllDataRequested: true } activity)
            {
                activity.SetTag("gen_ai.operation.name", OperationName)
                    .SetTag("gen_ai.provider.name", settings.Profile.Dialect)
                    .SetTag("gen_ai.request.model", settings.Model)
                    .SetTag("server.address", settings.Endpoint.Host)
                    .SetTag("server.port", settings.Endpoint.Port);
                SetIfNotNull(activity, "gen_ai.request.max_tokens", request.MaxOutputTokens);
                SetIfNotNull(activity, "gen_ai.request.temperature", request.Temperature);
                SetIfNotNull(activity, "gen_ai.request.top_p", request.TopP);
                SetIfNotNull(activity, "gen_ai.request.presence_penalty", request.PresencePenalty);
                SetIfNotNull(activity, "gen_ai.request.frequency_penalty", request.FrequencyPenalty);
                if (capture)
                {
                    activity.SetTag("gen_ai.input.messages", ContentJson.Messages(request.Messages));
                }
            }
        }

        if (capture && logger.IsEnabled(LogLevel.Trace))
        {
            KimiLog.RequestContent(logger, settings.Profile.DisplayName, ContentJson.Messages(request.Messages));
        }
    }

    /// <summary>Starts a call's telemetry; a shared no-op when nothing listens.</summary>
    public static KimiCallTelemetry Start(ClientSettings settings, ChatRequest request, ILogger logger) =>
        KimiTelemetry.IsObserved || logger.IsEnabled(LogLevel.Debug) ? new KimiCallTelemetry(settings, request, logger) : Off;

    // Ends the call once. Read first: the shared no-op is ended from the start, and an unconditional interlocked write to it
    // on every call would bounce its cache line between all the cores running calls (a swarm's hundreds of agents).
    private bool TryEnd() => Volatile.Read(ref _ended) == 0 && Interlocked.Exchange(ref _ended, 1) == 0;

    /// <summary>Notes a streamed update: the first one records the time to first chunk.</summary>
    public void Chunk()
    {
        if (_sawChunk || _ended != 0)
        {
            return;
        }

        _sawChunk = true;
        if (!_instrumentedByCaller && KimiTelemetry.TimeToFirstChunk.Enabled)
        {
            var tags = CommonTags(_settings, responseModel: null);
            KimiTelemetry.TimeToFirstChunk.Record(Stopwatch.GetElapsedTime(_started).TotalSeconds, tags);
        }
    }

    public void Completed(ChatCompletion completion)
    {
        if (!TryEnd())
        {
            return;
        }

        var elapsed = Stopwatch.GetElapsedTime(_started);
        var target = Answering(completion.Attempts);
        var usage = completion.Usage;
        var pricing = target.Profile.Pricing;
        var cost = usage is not null && pricing is not null ? (double)pricing.Cost(usage) : (double?)null;
        var capture = _settings.Options.Telemetry?.CaptureContent == true;

        var span = _activity ?? _callerActivity;
        if (span is { IsAllDataRequested: true })
        {
            if (_activity is not null)
            {
                span.SetTag("gen_ai.provider.name", target.Profile.Dialect)
                    .SetTag("server.address", target.Endpoint.Host)
                    .SetTag("server.port", target.Endpoint.Port)
                    .SetTag("gen_ai.response.model", completion.Model)
                    .SetTag("gen_ai.response.id", completion.Id);
                if (completion.FinishReason is { } finish)
                {
                    span.SetTag("gen_ai.response.finish_reasons", new[] { finish.Value });
                }

                if (usage is not null)
                {
                    span.SetTag("gen_ai.usage.input_tokens", usage.InputTokens).SetTag("gen_ai.usage.output_tokens", usage.OutputTokens);
                }

                if (capture)
                {
                    span.SetTag("gen_ai.output.messages", ContentJson.Output(completion));
                }
            }

            if (usage is not null)
            {
                SetIfNotNull(span, "kimi.usage.reasoning_tokens", usage.ReasoningTokens); // unreported counts are left out, not 0
                SetIfNotNull(span, "kimi.usage.cached_input_tokens", usage.CachedInputTokens);
            }

            SetIfNotNull(span, "kimi.cost_usd", cost);
            span.SetTag("kimi.attempts", Math.Max(1, completion.Attempts.Count));
            if (completion.IsIncomplete)
            {
                span.SetTag("kimi.incomplete", true);
            }
        }

        if (!_instrumentedByCaller)
        {
            var tags = CommonTags(target, completion.Model);
            if (usage is not null && KimiTelemetry.TokenUsage.Enabled)
            {
                var input = tags;
                input.Add("gen_ai.token.type", "input");
                KimiTelemetry.TokenUsage.Record(usage.InputTokens, input);
                var output = tags;
                output.Add("gen_ai.token.type", "output");
                KimiTelemetry.TokenUsage.Record(usage.OutputTokens, output);
            }

            KimiTelemetry.OperationDuration.Record(elapsed.TotalSeconds, tags);
        }

        if (cost is { } dollars && KimiTelemetry.Cost.Enabled)
        {
            KimiTelemetry.Cost.Add(dollars, CommonTags(target, completion.Model));
        }

        _activity?.Dispose();
        KimiLog.CallCompleted(_logger, target.Profile.DisplayName, completion.Model ?? target.Model, _stream, (long)elapsed.TotalMilliseconds,
            completion.FinishReason?.Value, usage?.InputTokens ?? 0, usage?.OutputTokens ?? 0, usage?.ReasoningTokens,
            Math.Max(1, completion.Attempts.Count), completion.RequestId);
        if (capture && _logger.IsEnabled(LogLevel.Trace))
        {
            KimiLog.ResponseContent(_logger, target.Profile.DisplayName, ContentJson.Output(completion));
        }
    }

    /// <summary>Records a failed call; returns <see langword="false"/> so it can sit in an exception filter.</summary>
    public bool Failed(Exception exception)
    {
        if (!TryEnd())
        {
            return false;
        }

        var errorType = exception.GetType().FullName ?? exception.GetType().Name;
        var attempts = (exception as KimiException)?.Attempts ?? [];
        var target = Answering(attempts);
        if (_activity is not null)
        {
            _activity.SetTag("error.type", errorType).SetTag("kimi.attempts", Math.Max(1, attempts.Count));
            _activity.SetStatus(ActivityStatusCode.Error, exception is KimiException kimi ? target.Scrubber.Scrub(kimi.Message) : null);
            _activity.Dispose();
        }
        else
        {
            _callerActivity?.SetTag("kimi.attempts", Math.Max(1, attempts.Count));
        }

        if (!_instrumentedByCaller && KimiTelemetry.OperationDuration.Enabled)
        {
            var tags = CommonTags(target, responseModel: null);
            tags.Add("error.type", errorType);
            KimiTelemetry.OperationDuration.Record(Stopwatch.GetElapsedTime(_started).TotalSeconds, tags);
        }

        return false;
    }

    /// <summary>Ends the span of a stream its reader abandoned (no error, no usage); after an end it does nothing.</summary>
    public void Dispose()
    {
        if (!TryEnd())
        {
            return;
        }

        if (_activity is not null)
        {
            _activity.SetTag("kimi.abandoned", true);
            _activity.Dispose();
        }

        if (!_instrumentedByCaller && KimiTelemetry.OperationDuration.Enabled)
        {
            KimiTelemetry.OperationDuration.Record(Stopwatch.GetElapsedTime(_started).TotalSeconds, CommonTags(_settings, responseModel: null));
        }
    }

    /// <summary>The target that answered (the last attempt's), so failover reports the provider that produced the result.</summary>
    private ClientSettings Answering(IReadOnlyList<KimiAttempt> attempts)
    {
        if (attempts.Count == 0 || _settings.Options.Failover.Count == 0)
        {
            return _settings;
        }

        var last = attempts[^1];
        foreach (var target in _settings.Targets)
        {
            if (target.Profile == last.Provider && target.LoggableEndpoint == last.Endpoint)
            {
                return target;
            }
        }

        return _settings;
    }

    private static TagList CommonTags(ClientSettings target, string? responseModel)
    {
        var tags = new TagList
        {
            { "gen_ai.operation.name", OperationName },
            { "gen_ai.provider.name", target.Profile.Dialect },
            { "gen_ai.request.model", target.Model },
            { "server.address", target.Endpoint.Host },
            { "server.port", target.Endpoint.Port },
        };
        if (responseModel is not null)
        {
            tags.Add("gen_ai.response.model", responseModel);
        }

        return tags;
    }

    private static void SetIfNotNull<T>(Activity activity, string name, T? value)
        where T : struct
    {
        if (value is { } v)
        {
            activity.SetTag(name, v);
        }
    }
}

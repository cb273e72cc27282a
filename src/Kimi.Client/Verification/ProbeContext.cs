using Kimi.Client.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Kimi.Client.Verification;

/// <summary>
/// What the probes share: the host's profile (what is expected), the resolved endpoint, model and key, an HTTP client over the
/// wire tap, the facts learned so far, and the calls themselves (which never throw: a failure is an outcome).
/// </summary>
internal sealed class ProbeContext : IDisposable
{
    private readonly HttpClient _http;
    private readonly KimiClientOptions _source;
    private readonly ClientSettings _settings;
    private readonly bool _ownsHandler;

    public ProbeContext(KimiClientOptions source, KimiVerifierOptions options)
    {
        _source = source;
        Options = options;
        Time = options.TimeProvider ?? TimeProvider.System;
        _settings = new ClientSettings(source, Time); // validates and resolves endpoint, model and key once
        LoggerFactory = options.LoggerFactory ?? NullLoggerFactory.Instance;
        Logger = LoggerFactory.CreateLogger("Kimi.Client.Verification");
        _ownsHandler = options.Handler is null;
        Tap = new WireTap(options.Handler ?? new SocketsHttpHandler { AutomaticDecompression = System.Net.DecompressionMethods.All });
        _http = new HttpClient(Tap, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };

        // "Thinking on" in every probe is the host's own default: no switch sent (verifier.md P1; conformance 47's exact requests).
        var thinking = Profile.ThinkingSwitch;
        ProbeProfile = Profile with { ThinkingSwitch = new KimiThinkingSwitch(thinking.Name, thinking.Enabled, thinking.Disabled, thinking.Preserved, unspecified: "{}") };
        Client = NewClient(ProbeProfile);
    }

    public KimiVerifierOptions Options { get; }

    public TimeProvider Time { get; }

    public ILoggerFactory LoggerFactory { get; }

    public ILogger Logger { get; }

    public WireTap Tap { get; }

    /// <summary>The host as configured: what every probe expects.</summary>
    public KimiProvider Profile => _settings.Profile;

    /// <summary>The profile the probes send with (thinking on = nothing sent).</summary>
    public KimiProvider ProbeProfile { get; }

    public string Model => _settings.Model;

    public string Endpoint => _settings.LoggableEndpoint;

    public Errors.SecretScrubber Scrubber => _settings.Scrubber;

    public KimiClient Client { get; }

    public ProbeFacts Facts { get; } = new();

    /// <summary>A client for one probe's variant of the host (a different key, model, or a rule of the SDK set aside).</summary>
    public KimiClient NewClient(KimiProvider profile, string? apiKey = null, string? model = null, Action<KimiClientOptions>? configure = null)
    {
        var options = new KimiClientOptions
        {
            Provider = profile,
            Endpoint = _settings.Endpoint,
            Model = model ?? _settings.Model,
            ApiKey = apiKey ?? _settings.ApiKey ?? (profile.RequiresApiKey ? "none" : null),
            Resilience = (_source.Resilience ?? new()).Clone(),
            Limits = (_source.Limits ?? new()).Clone(),
            Media = (_source.Media ?? new()).Clone(),
            Telemetry = (_source.Telemetry ?? new()).Clone(),
        };
        configure?.Invoke(options);
        return new KimiClient(_http, options, LoggerFactory, Time);
    }

    /// <summary>"Thinking off": the profile's switch, or nothing once P1 found the host refuses it.</summary>
    public ThinkingMode? Off => Facts.SwitchRejected ? null : ThinkingMode.Disabled;

    public async Task<ProbeOutcome> CompleteAsync(CheckBuilder check, KimiClient client, IEnumerable<KimiMessage> messages, ChatCompletionOptions options, CancellationToken cancellationToken)
    {
        var mark = Tap.Count;
        ChatCompletion? completion = null;
        Exception? failure = null;
        try
        {
            completion = await client.CompleteAsync(messages, options, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is KimiException or ArgumentException or NotSupportedException && !cancellationToken.IsCancellationRequested)
        {
            failure = ex;
        }

        check.Count(completion);
        return new ProbeOutcome { Completion = completion, Failure = failure, Exchanges = Tap.Since(mark) };
    }

    public async Task<ProbeOutcome> StreamAsync(CheckBuilder check, KimiClient client, IEnumerable<KimiMessage> messages, ChatCompletionOptions options, CancellationToken cancellationToken)
    {
        var mark = Tap.Count;
        var started = Time.GetTimestamp();
        TimeSpan? firstContent = null, firstReasoning = null, firstDelta = null, lastDelta = null;
        ChatCompletion? completion = null;
        Exception? failure = null;
        try
        {
            var stream = client.StreamAsync(messages, options, cancellationToken);
            await foreach (var update in stream.ConfigureAwait(false))
            {
                var at = Time.GetElapsedTime(started);
                if (!string.IsNullOrEmpty(update.ContentDelta) || !string.IsNullOrEmpty(update.ReasoningDelta))
                {
                    firstDelta ??= at;
                    lastDelta = at;
                }

                if (!string.IsNullOrEmpty(update.ContentDelta))
                {
                    firstContent ??= at;
                }

                if (!string.IsNullOrEmpty(update.ReasoningDelta))
                {
                    firstReasoning ??= at;
                }
            }

            completion = stream.Completion;
        }
        catch (Exception ex) when (ex is KimiException or ArgumentException or NotSupportedException && !cancellationToken.IsCancellationRequested)
        {
            failure = ex;
        }

        check.Count(failure is null ? completion : null);
        var exchanges = Tap.Since(mark);
        foreach (var exchange in exchanges)
        {
            if (exchange.IsEventStream && exchange.IsChat)
            {
                Facts.Streams.Add((exchange, failure is not null));
            }
        }

        return new ProbeOutcome
        {
            Completion = failure is null ? completion : null,
            Failure = failure,
            Exchanges = exchanges,
            FirstContent = firstContent,
            FirstReasoning = firstReasoning,
            FirstDelta = firstDelta,
            LastDelta = lastDelta,
        };
    }

    /// <summary>Whether a completion shows reasoning: under any field name, or inline before <c>&lt;/think&gt;</c>.</summary>
    public static bool Thought(ChatCompletion completion) =>
        completion.Reasoning is { Length: > 0 } reasoning && reasoning.Trim().Length > 0 || completion.Text.Contains("</think>", StringComparison.Ordinal);

    public void Dispose()
    {
        Client.Dispose();
        _http.Dispose();
        if (_ownsHandler)
        {
            Tap.Dispose(); // also disposes the handler we created; a caller's handler stays theirs
        }
    }
}

namespace Kimi.Client.Verification;

/// <summary>
/// What earlier probes learned, for later ones: so each behaviour is attributed once (verifier.md, "One owner per deviation").
/// </summary>
internal sealed class ProbeFacts
{
    /// <summary>P1: the host refused the thinking-off switch; later "thinking off" requests go without it.</summary>
    public bool SwitchRejected { get; set; }

    /// <summary>P1's thinking-on answer (P2 reads its fields, P7 its usage).</summary>
    public ProbeOutcome? ThinkingOn { get; set; }

    /// <summary>P1: the thinking-on answer carried reasoning (under any name, or inline).</summary>
    public bool Thought { get; set; }

    /// <summary>P2's thinking stream (P7 reads its usage, P12 its reasoning latency).</summary>
    public ProbeOutcome? ThinkingStream { get; set; }

    /// <summary>P2: the reasoning field names seen.</summary>
    public List<string> ReasoningFields { get; } = [];

    /// <summary>P2: reasoning arrived inline in content.</summary>
    public bool InlineReasoning { get; set; }

    /// <summary>P3: the host refused a tool-call turn without reasoning (null: not known).</summary>
    public bool? RoundTripEnforced { get; set; }

    /// <summary>P4: the tool calls parsed (P5 reads their ids).</summary>
    public List<ToolCall> ParsedCalls { get; } = [];

    /// <summary>P4: tool calls arrived as raw text.</summary>
    public bool RawToolMarkers { get; set; }

    /// <summary>P6: the host refused free sampling (null: not known).</summary>
    public bool? SamplingPinned { get; set; }

    /// <summary>P0: the context window the model list gave.</summary>
    public int? ContextLength { get; set; }

    /// <summary>Every stream a probe read, and whether the call ended in an error (P8 ignores those).</summary>
    public List<(WireExchange Exchange, bool Errored)> Streams { get; } = [];
}

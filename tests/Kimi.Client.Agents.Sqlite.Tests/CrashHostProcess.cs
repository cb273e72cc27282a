using System.Diagnostics;
using System.Reflection;

namespace Kimi.Client.Agents.Sqlite.Tests;

/// <summary>A running AgentCrashHost: its output lines as they come, a way to wait for one, and SIGKILL.</summary>
internal sealed class CrashHostProcess : IAsyncDisposable
{
    private static readonly string HostPath = typeof(CrashHostProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "AgentCrashHost").Value!;

    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly List<(string Prefix, TaskCompletionSource<string> Seen)> _waiters = [];

    private CrashHostProcess(Process process) => _process = process;

    public int Id => _process.Id;

    public string Error { get; private set; } = string.Empty;

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }

    public static CrashHostProcess Start(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(HostPath);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = start };
        var host = new CrashHostProcess(process);
        process.OutputDataReceived += (_, e) => host.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                host.Error += e.Data + "\n";
            }
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return host;
    }

    /// <summary>Waits for a line starting with <paramref name="prefix"/> (one seen earlier counts).</summary>
    public async Task<string> WaitForLineAsync(string prefix, CancellationToken cancellationToken)
    {
        TaskCompletionSource<string> seen = new(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lines)
        {
            if (_lines.Find(line => line.StartsWith(prefix, StringComparison.Ordinal)) is { } line)
            {
                return line;
            }

            _waiters.Add((prefix, seen));
        }

        var exited = _process.WaitForExitAsync(cancellationToken);
        if (await Task.WhenAny(seen.Task, exited) != seen.Task)
        {
            await exited;
            await Task.Delay(100, cancellationToken); // the last lines may still be on their way
            lock (_lines)
            {
                return _lines.Find(line => line.StartsWith(prefix, StringComparison.Ordinal))
                    ?? throw new InvalidOperationException($"The host exited ({_process.ExitCode}) before printing '{prefix}'. Output:\n{string.Join('\n', _lines)}\n{Error}");
            }
        }

        return await seen.Task;
    }

    /// <summary>SIGKILL: no finally block, no flush, no lease release.</summary>
    public async Task KillAsync(CancellationToken cancellationToken)
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync(cancellationToken);
    }

    public async Task<int> WaitForExitAsync(CancellationToken cancellationToken)
    {
        await _process.WaitForExitAsync(cancellationToken);
        _process.WaitForExit(); // drains the redirected output
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_lines)
        {
            _lines.Add(line);
            foreach (var waiter in _waiters.Where(w => line.StartsWith(w.Prefix, StringComparison.Ordinal)).ToList())
            {
                waiter.Seen.TrySetResult(line);
                _waiters.Remove(waiter);
            }
        }
    }
}

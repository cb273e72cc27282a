using System.Diagnostics;
using System.Reflection;

namespace Kimi.Client.Benchmarks.Load;

/// <summary>This program started again as <c>--serve {scenario}</c>: the emulator in a child process.</summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;

    private ServerProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public TimeSpan ProcessorTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    public static async Task<ServerProcess> StartAsync(string scenario)
    {
        var info = SelfStartInfo("--serve", scenario);
        info.RedirectStandardInput = true;
        info.RedirectStandardOutput = true;
        var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start the emulator process.");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var line = await process.StandardOutput.ReadLineAsync(timeout.Token);
        if (line is null || !line.StartsWith("ready ", StringComparison.Ordinal))
        {
            process.Kill();
            throw new InvalidOperationException($"The emulator process did not start: '{line}'.");
        }

        return new ServerProcess(process, new Uri(line["ready ".Length..]));
    }

    /// <summary>Starts this program again: the apphost when there is one, else <c>dotnet {dll}</c>.</summary>
    public static ProcessStartInfo SelfStartInfo(params string[] args)
    {
        var path = Environment.ProcessPath ?? "dotnet";
        var info = new ProcessStartInfo(path) { UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(path).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            info.ArgumentList.Add(Assembly.GetEntryAssembly()!.Location);
        }

        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        return info;
    }

    public async Task<string> AskAsync(string command)
    {
        await _process.StandardInput.WriteLineAsync(command);
        await _process.StandardInput.FlushAsync();
        return await _process.StandardOutput.ReadLineAsync() ?? throw new InvalidOperationException("The emulator process exited.");
    }

    public async ValueTask DisposeAsync()
    {
        _process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill();
        }

        _process.Dispose();
    }
}

/// <summary>Process-wide counters around client work: CPU time, bytes allocated (all threads), peak working set.</summary>
internal readonly record struct Meter(TimeSpan Cpu, long Allocated)
{
    public static Meter Now() => new(Process.GetCurrentProcess().TotalProcessorTime, GC.GetTotalAllocatedBytes(precise: true));

    public static (TimeSpan Cpu, long Allocated) operator -(Meter end, Meter start) => (end.Cpu - start.Cpu, end.Allocated - start.Allocated);

    /// <summary>Resets the kernel's peak-RSS mark (Linux: <c>/proc/self/clear_refs</c>); false where that is not possible.</summary>
    public static bool ResetPeakWorkingSet()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    public static long PeakWorkingSet()
    {
        using var process = Process.GetCurrentProcess();
        return process.PeakWorkingSet64;
    }

    public static long WorkingSet() => Environment.WorkingSet;
}

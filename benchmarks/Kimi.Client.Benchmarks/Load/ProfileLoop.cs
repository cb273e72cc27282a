using System.Diagnostics;
using System.Globalization;
using Kimi.Client.Benchmarks.Clients;
using Kimi.Client.Benchmarks.Workloads;

namespace Kimi.Client.Benchmarks.Load;

/// <summary>
/// <c>--profile floor|kimi|openai|meai NonStreaming|TextStreaming|ToolStreaming|LongHistory [seconds]</c>: one client on one
/// workload in a loop, every result verified, for a profiler to attach to (<c>dotnet-trace collect -- dotnet
/// Kimi.Client.Benchmarks.dll --profile …</c>). Prints the calls made, the mean wall and CPU time (the CPU time is the steadier figure on a busy machine) and the exact bytes per call
/// (<see cref="GC.GetTotalAllocatedBytes(bool)"/>) and per chunk, after a warm-up of 200 calls. <c>--types</c> adds the bytes' shares by
/// type (<see cref="AllocationSampler"/>).
/// </summary>
internal static class ProfileLoop
{
    public static async Task<int> RunAsync(string clientName, string workloadName, double seconds, TextWriter output, bool types = false)
    {
        var workload = WorkloadCatalog.Get(Enum.Parse<WorkloadKind>(workloadName, ignoreCase: true));
        using var clients = new ClientSet();
        var client = clientName.ToLowerInvariant() switch
        {
            "floor" => (BenchClient)clients.Floor,
            "kimi" => clients.Kimi,
            "openai" => clients.OpenAI,
            "meai" => clients.Meai,
            _ => throw new ArgumentException($"Unknown client '{clientName}': floor, kimi, openai or meai."),
        };
        client.Serve(workload);
        for (var i = 0; i < 200; i++)
        {
            workload.Verify(await client.RunAsync(workload), client.Name);
        }

        using var sampler = types ? new AllocationSampler() : null;
        sampler?.Start();
        var calls = 0;
        var bytes = GC.GetTotalAllocatedBytes(precise: true);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed.TotalSeconds < seconds)
        {
            workload.Verify(await client.RunAsync(workload), client.Name);
            calls++;
        }

        watch.Stop();
        sampler?.Stop();
        var cpuPerCall = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds * 1000 / calls; // every thread: GC and timers too
        var perCall = (GC.GetTotalAllocatedBytes(precise: true) - bytes) / (double)calls;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"profile {client.Name} on {workload.Name}: {calls:N0} calls, {watch.Elapsed.TotalMilliseconds * 1000 / calls:N1} µs/call, {cpuPerCall:N1} µs CPU/call, {perCall:N0} B/call, {perCall / workload.Chunks:N1} B/chunk"));
        if (sampler is not null)
        {
            output.WriteLine("bytes by type (sampled; B/call above includes the sampler's own events):");
            sampler.Report(output, calls);
        }

        return 0;
    }
}

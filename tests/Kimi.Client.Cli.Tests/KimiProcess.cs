using System.Diagnostics;
using System.Reflection;

namespace Kimi.Client.Cli.Tests;

/// <summary>Runs the built <c>kimi</c> tool as a child process with a clean environment (no provider keys), stdin piped.</summary>
internal static class KimiProcess
{
    private static readonly string[] KeyVariables =
        ["MOONSHOT_API_KEY", "DEEPINFRA_API_KEY", "NVIDIA_API_KEY", "KIMI_API_KEY", "OLLAMA_API_KEY", "CLOUDFLARE_API_TOKEN", "KIMI_PROVIDER", "KIMI_ENDPOINT", "NO_COLOR", "KIMI_EMULATOR_DEVIATIONS"];

    public static string ToolPath { get; } = Path.Combine(
        typeof(KimiProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(static a => a.Key == "KimiCliDirectory").Value!, "kimi.dll");

    public sealed record Result(int ExitCode, string Out, string Error);

    public static async Task<Result> RunAsync(string[] args, string? stdin = null, IReadOnlyDictionary<string, string>? environment = null, CancellationToken cancellationToken = default)
    {
        Assert.True(File.Exists(ToolPath), $"the built tool is missing at {ToolPath}");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        start.ArgumentList.Add(ToolPath);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var variable in KeyVariables)
        {
            start.Environment.Remove(variable);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin.AsMemory(), cancellationToken);
        }

        process.StandardInput.Close();
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return new Result(process.ExitCode, await output, await error);
    }
}

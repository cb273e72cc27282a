using System.Diagnostics;
using System.Reflection;

namespace Kimi.Client.Cli.Tests;

/// <summary>
/// Runs the <c>kimi</c> tool as a user gets it: packed from the build (<c>dotnet pack --no-build</c>), installed with
/// <c>dotnet tool install --tool-path … --add-source …</c> into a temporary folder once per test run, and started through its
/// installed shim as a child process with a clean environment (no provider keys), stdin piped.
/// </summary>
internal static class KimiProcess
{
    private static readonly string[] KeyVariables =
        ["MOONSHOT_API_KEY", "DEEPINFRA_API_KEY", "NVIDIA_API_KEY", "KIMI_API_KEY", "OLLAMA_API_KEY", "CLOUDFLARE_API_TOKEN", "OPENROUTER_API_KEY", "KIMI_PROVIDER", "KIMI_ENDPOINT", "NO_COLOR", "KIMI_EMULATOR_DEVIATIONS"];

    private static readonly Lazy<Task<string>> Installed = new(InstallAsync);

    private static string Metadata(string key) =>
        typeof(KimiProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;

    public static string ToolPath { get; } = Path.Combine(
        typeof(KimiProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(static a => a.Key == "KimiCliDirectory").Value!, "kimi.dll");

    public sealed record Result(int ExitCode, string Out, string Error);

    public static async Task<Result> RunAsync(string[] args, string? stdin = null, IReadOnlyDictionary<string, string>? environment = null, CancellationToken cancellationToken = default)
    {
        var kimi = await Installed.Value.WaitAsync(cancellationToken);
        var start = new ProcessStartInfo(kimi)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
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

    /// <summary>Packs the built tool and installs it from that folder, as README and CI do; the installed shim's path.</summary>
    private static async Task<string> InstallAsync()
    {
        Assert.True(File.Exists(ToolPath), $"the built tool is missing at {ToolPath}: build the solution first");
        var root = Directory.CreateTempSubdirectory("kimi-tool-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // a shim still running on a slow machine: the temp folder is the OS's to clean
            }
        };
        var packages = Path.Combine(root, "packages");
        var tools = Path.Combine(root, "tools");
        await DotnetAsync(["pack", Metadata("KimiCliProject"), "-c", Metadata("KimiCliConfiguration"), "--no-build", "-o", packages, "--nologo"], root);
        await DotnetAsync(["tool", "install", "Kimi.Client.Cli", "--tool-path", tools, "--add-source", packages], root);
        var shim = Path.Combine(tools, OperatingSystem.IsWindows() ? "kimi.exe" : "kimi");
        Assert.True(File.Exists(shim), $"dotnet tool install left no shim at {shim}");
        return shim;
    }

    private static async Task DotnetAsync(string[] args, string workingDirectory)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = workingDirectory };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"dotnet {string.Join(' ', args)} failed ({process.ExitCode}): {await output}{await error}");
    }
}

using System.Text.Json;
using Kimi.Client.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Kimi.Client.Cli.Tests;

/// <summary>The other commands as a process: piping, plain output when redirected, exit codes and errors.</summary>
public class CommandProcessTests
{
    [Fact(Timeout = 60_000)]
    public async Task Ask_writes_only_the_answer_to_stdout_and_says_offline_on_stderr()
    {
        var result = await KimiProcess.RunAsync(["ask", "Why", "is", "the", "sky", "blue?"], cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("Emulated Kimi answer: Why is the sky blue?\n", result.Out);
        Assert.Contains("No MOONSHOT_API_KEY set: answering offline from the built-in Kimi emulator (Moonshot dialect).", result.Error);
        Assert.DoesNotContain("The user asked", result.Error); // reasoning only on a terminal or with --show-reasoning
    }

    [Fact(Timeout = 60_000)]
    public async Task Ask_reads_the_question_from_stdin_and_appends_piped_text_to_an_argument()
    {
        var piped = await KimiProcess.RunAsync(["ask"], stdin: "Name a moon of Jupiter.\n", cancellationToken: TestContext.Current.CancellationToken);
        var both = await KimiProcess.RunAsync(["ask", "Summarize:", "--show-reasoning"], stdin: "Io is volcanic.", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal("Emulated Kimi answer: Name a moon of Jupiter.\n", piped.Out);
        Assert.Equal("Emulated Kimi answer: Summarize:  Io is volcanic.\n", both.Out); // the emulator echoes the question on one line
        Assert.Contains("I will answer briefly.", both.Error);
        Assert.DoesNotContain("\u001b[", both.Error, StringComparison.Ordinal); // stderr is redirected: no escape codes
    }

    [Fact(Timeout = 60_000)]
    public async Task Ask_without_a_question_is_a_usage_error()
    {
        var result = await KimiProcess.RunAsync(["ask"], stdin: "", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("no question", result.Error);
    }

    [Fact(Timeout = 60_000)]
    public async Task Redirected_and_no_color_output_is_plain_text()
    {
        var redirected = await KimiProcess.RunAsync(["verify", "--provider", "Vllm"], cancellationToken: TestContext.Current.CancellationToken);
        var noColor = await KimiProcess.RunAsync(["models", "--no-color", "--provider", "Moonshot"], cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(0, redirected.ExitCode);
        Assert.DoesNotContain("\u001b[", redirected.Out + redirected.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("╭", redirected.Out); // no Spectre box drawing
        Assert.StartsWith("probe  check", redirected.Out);
        Assert.Contains("[13/13] P12 Latency: pass", redirected.Error);
        Assert.Contains("10 pass, 3 info, 0 deviation, 0 error, 0 skipped", redirected.Out);
        Assert.Equal("id         context  image  video  reasoning  owned by\nkimi-k2.6  262,144  yes    yes    yes        moonshot\n", noColor.Out);
    }

    [Fact(Timeout = 60_000)]
    public async Task Balance_and_tokens_use_the_platform_calls_and_refuse_where_a_host_has_none()
    {
        var file = Path.Combine(Path.GetTempPath(), $"kimi-tokens-{Guid.NewGuid():N}.txt");
        await File.WriteAllTextAsync(file, new string('a', 400), TestContext.Current.CancellationToken);
        try
        {
            var balance = await KimiProcess.RunAsync(["balance", "--provider", "MoonshotChina"], cancellationToken: TestContext.Current.CancellationToken);
            var refused = await KimiProcess.RunAsync(["balance", "--provider", "Vllm"], cancellationToken: TestContext.Current.CancellationToken);
            var counted = await KimiProcess.RunAsync(["tokens", file], cancellationToken: TestContext.Current.CancellationToken);
            var estimated = await KimiProcess.RunAsync(["tokens", file, "--provider", "Vllm"], cancellationToken: TestContext.Current.CancellationToken);
            var piped = await KimiProcess.RunAsync(["tokens", "-", "--provider", "Vllm"], stdin: new string('b', 40), cancellationToken: TestContext.Current.CancellationToken);

            Assert.Equal((0, "49.58894 CNY available (cash 3.00001, voucher 46.58893)\n"), (balance.ExitCode, balance.Out));
            Assert.Equal(1, refused.ExitCode);
            Assert.Contains("GetBalanceAsync needs a host with an account balance; the Vllm profile", refused.Error);
            Assert.Equal((0, "108\n"), (counted.ExitCode, counted.Out)); // the emulator counts the messages JSON (432 bytes) at four bytes a token
            Assert.Equal("104 (estimate: self-hosted vLLM has no token-count endpoint)\n", estimated.Out);
            Assert.Equal("14 (estimate: self-hosted vLLM has no token-count endpoint)\n", piped.Out);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task Bad_usage_exits_2_with_a_message_naming_the_fix()
    {
        var unknownProvider = await KimiProcess.RunAsync(["models", "--provider", "OpenRuter"], cancellationToken: TestContext.Current.CancellationToken);
        var unknownOption = await KimiProcess.RunAsync(["verify", "--trails", "3"], cancellationToken: TestContext.Current.CancellationToken);
        var badTrials = await KimiProcess.RunAsync(["verify", "--trials", "1"], cancellationToken: TestContext.Current.CancellationToken);
        var badDeviation = await KimiProcess.RunAsync(["models"], environment: new Dictionary<string, string> { ["KIMI_EMULATOR_DEVIATIONS"] = "Nope" }, cancellationToken: TestContext.Current.CancellationToken);
        var missingFile = await KimiProcess.RunAsync(["tokens", "/nonexistent/kimi.txt"], cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(2, unknownProvider.ExitCode);
        Assert.Contains("Unknown Kimi provider 'OpenRuter'. Known providers: Moonshot", unknownProvider.Error);
        Assert.DoesNotContain("(Parameter", unknownProvider.Error);
        Assert.Equal(2, unknownOption.ExitCode);
        Assert.Contains("--trails", unknownOption.Error);
        Assert.Equal(2, badTrials.ExitCode);
        Assert.Contains("Trials must be between 2 and 40", badTrials.Error);
        Assert.Equal(2, badDeviation.ExitCode);
        Assert.Contains("'Nope' is not an emulator deviation", badDeviation.Error);
        Assert.Equal(1, missingFile.ExitCode);
        Assert.Contains("kimi.txt", missingFile.Error);
    }

    [Fact(Timeout = 60_000)]
    public async Task Chat_reads_turns_and_commands_from_stdin_and_saves_the_transcript()
    {
        var transcript = Path.Combine(Path.GetTempPath(), $"kimi-chat-{Guid.NewGuid():N}.json");
        try
        {
            var result = await KimiProcess.RunAsync(["chat"], stdin: $"Hello there\n/thinking off\nSecond question\n/save {transcript}\n/exit\n", cancellationToken: TestContext.Current.CancellationToken);

            Assert.Equal(0, result.ExitCode);
            Assert.Equal(
                "(thinking) The user asked about \"Hello there\". I will answer briefly.\nEmulated Kimi answer: Hello there\nEmulated Kimi answer: Second question\n",
                result.Out);
            Assert.Contains("Thinking off.", result.Error);
            using var saved = JsonDocument.Parse(await File.ReadAllTextAsync(transcript, TestContext.Current.CancellationToken));
            var messages = saved.RootElement.EnumerateArray().ToArray();
            Assert.Equal(["user", "assistant", "user", "assistant"], messages.Select(static m => m.GetProperty("role").GetString()));
            Assert.True(messages[1].TryGetProperty("reasoning", out _)); // the first answer thought, the second (thinking off) did not
            Assert.False(messages[3].TryGetProperty("reasoning", out _));
        }
        finally
        {
            File.Delete(transcript);
        }
    }

    [Fact(Timeout = 120_000)]
    public async Task Write_profile_saves_a_host_description_a_client_loads_from_configuration()
    {
        await using var emulator = new KimiEmulator(new KimiEmulatorOptions { Provider = KimiProvider.Vllm });
        var endpoint = await emulator.StartAsync(TestContext.Current.CancellationToken);
        var profile = Path.Combine(Path.GetTempPath(), $"kimi-profile-{Guid.NewGuid():N}.json");
        try
        {
            var result = await KimiProcess.RunAsync(["verify", "--provider", "Vllm", "--endpoint", endpoint.ToString(), "--write-profile", profile, "--trials", "2"],
                cancellationToken: TestContext.Current.CancellationToken);
            Assert.Equal(0, result.ExitCode);
            Assert.Contains("VllmVerified", result.Error);

            var configuration = new ConfigurationBuilder().AddJsonFile(profile).Build();
            var services = new ServiceCollection();
            services.AddKimiClient(configuration.GetSection("Kimi"));
            await using var provider = services.BuildServiceProvider();
            var client = provider.GetRequiredService<KimiClient>();
            var answer = await client.CompleteAsync("Reply with the single word: pong", cancellationToken: TestContext.Current.CancellationToken);

            Assert.Equal("VllmVerified", client.Provider.Name);
            Assert.Equal(["reasoning"], client.Provider.ReasoningWriteFields);
            Assert.Equal(new Uri(endpoint.ToString().TrimEnd('/')), new Uri(client.Endpoint.ToString().TrimEnd('/')));
            Assert.Equal("pong", answer.Text);
        }
        finally
        {
            File.Delete(profile);
        }
    }
}

using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;

namespace WebChat.Tests;

/// <summary>
/// The WebChat sample on a real loopback port, driven by Debian's headless Chromium through Selenium: the answer arrives
/// incrementally, and the reasoning is shown apart from it.
/// </summary>
public class WebChatBrowserTests
{
    [Fact(Timeout = 60_000)]
    public async Task A_question_typed_in_the_page_streams_the_reasoning_apart_then_the_answer()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        Environment.SetEnvironmentVariable("SE_AVOID_STATS", "true");
        Assert.SkipUnless(File.Exists("/usr/bin/chromium") && File.Exists("/usr/bin/chromedriver"), "needs Debian's chromium and chromium-driver (.ci/run installs them)");
        Assert.SkipWhen(HasProviderKey(), "a provider key is set: the page would call the real model");

        await using var app = await Program.CreateAppAsync(["--urls", "http://127.0.0.1:0", "--environment", "Development"]);
        await app.StartAsync(cancellationToken);
        var address = app.Urls.Single(); // the real port Kestrel bound

        // The driver is given explicitly, so Selenium Manager never runs (no download).
        using var service = ChromeDriverService.CreateDefaultService("/usr/bin", "chromedriver");
        service.HideCommandPromptWindow = true;
        service.SuppressInitialDiagnosticInformation = true;
        var options = new ChromeOptions { BinaryLocation = "/usr/bin/chromium" };
        options.AddArguments("--headless", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--no-first-run", "--disable-background-networking");
        using var driver = new ChromeDriver(service, options, TimeSpan.FromSeconds(30));

        driver.Navigate().GoToUrl(address + "/");
        driver.FindElement(By.Id("question")).SendKeys("Why is the sky blue?");
        driver.FindElement(By.Id("send")).Click();

        var answer = driver.FindElement(By.Id("answer"));
        var status = driver.FindElement(By.Id("status"));
        var lengths = new List<int>();
        var clock = Stopwatch.StartNew();
        while (!status.Text.StartsWith("done", StringComparison.Ordinal))
        {
            Assert.False(status.Text.StartsWith("failed", StringComparison.Ordinal), status.Text);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"no 'done' after 30 s; status '{status.Text}'");
            lengths.Add(answer.Text.Length);
            await Task.Delay(25, cancellationToken);
        }

        // Incremental: the answer was seen partly written, and it grew between polls before completion.
        var partial = lengths.Where(n => n > 0).Distinct().ToList();
        Assert.True(partial.Count >= 3, $"the answer should grow across polls; saw lengths {string.Join(",", lengths)}");

        var finalAnswer = answer.Text;
        var reasoning = driver.FindElement(By.Id("reasoning")).Text;
        Assert.StartsWith("You asked: \"Why is the sky blue?\".", finalAnswer);
        Assert.EndsWith("streams the real model.", finalAnswer);
        Assert.StartsWith("The user asked \"Why is the sky blue?\".", reasoning);
        Assert.DoesNotContain("You asked", reasoning);
        Assert.DoesNotContain("The user asked", finalAnswer);
        Assert.True(partial.Max() <= finalAnswer.Length);

        driver.Quit();
        await app.StopAsync(cancellationToken);
    }

    private static readonly string[] KeyVariables = ["MOONSHOT_API_KEY", "DEEPINFRA_API_KEY", "NVIDIA_API_KEY", "KIMI_API_KEY"];

    private static bool HasProviderKey() =>
        KeyVariables.Any(v => !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(v)));
}

using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;

namespace Swarm.Tests;

/// <summary>
/// The Swarm sample's page on a real loopback port, driven by Debian's headless Chromium through Selenium: 300 sub-agents
/// drawn live from the event tree over SSE, then every one completed with the totals equal to the emulator's.
/// Screenshots (mid-run and at the end) are kept as test artifacts.
/// </summary>
public class SwarmPageBrowserTests
{
    [Fact(Timeout = 180_000)]
    public async Task The_page_draws_300_sub_agents_live_and_ends_with_every_one_completed_and_the_emulators_totals()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        Environment.SetEnvironmentVariable("SE_AVOID_STATS", "true");
        Assert.SkipUnless(File.Exists("/usr/bin/chromium") && File.Exists("/usr/bin/chromedriver"), "needs Debian's chromium and chromium-driver (.ci/run installs them)");
        Assert.SkipWhen(!string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("MOONSHOT_API_KEY")), "MOONSHOT_API_KEY is set: the page would run the real model");

        await using var app = await Program.CreateAppAsync(["--urls", "http://127.0.0.1:0", "--environment", "Development"]);
        await app.StartAsync(cancellationToken);
        var address = app.Urls.Single();

        // The driver is given explicitly, so Selenium Manager never runs (no download).
        using var service = ChromeDriverService.CreateDefaultService("/usr/bin", "chromedriver");
        service.HideCommandPromptWindow = true;
        service.SuppressInitialDiagnosticInformation = true;
        var options = new ChromeOptions { BinaryLocation = "/usr/bin/chromium" };
        options.AddArguments("--headless", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--window-size=1280,900");
        using var driver = new ChromeDriver(service, options, TimeSpan.FromSeconds(30));

        driver.Navigate().GoToUrl(address + "/");
        driver.FindElement(By.Id("start")).Click();

        var status = driver.FindElement(By.Id("status"));
        var clock = Stopwatch.StartNew();
        var sawLive = false;
        var sawStates = new HashSet<string>();
        while (!status.Text.StartsWith("done", StringComparison.Ordinal))
        {
            Assert.False(status.Text.StartsWith("failed", StringComparison.Ordinal), status.Text);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(150), $"no 'done' after 150 s; status '{status.Text}'");
            var states = (IReadOnlyCollection<object>)driver.ExecuteScript("return [...document.querySelectorAll('.agent')].map(c => c.dataset.state);")!;
            foreach (var state in states.Cast<string>())
            {
                sawStates.Add(state);
            }

            // Live: a snapshot with sub-agents still working and others already done.
            if (!sawLive && states.Contains("Completed") && states.Any(s => s is "Thinking" or "RunningTools" or "Waiting"))
            {
                sawLive = true;
                Save(driver, "swarm-page-running.png");
            }

            await Task.Delay(50, cancellationToken);
        }

        Save(driver, "swarm-page-done.png");
        Assert.StartsWith("done: Completed, 4000 steps", status.Text, StringComparison.Ordinal);
        Assert.True(sawStates.Count >= 2, $"the grid should change while the swarm runs; saw {string.Join(", ", sawStates)}");

        // Every sub-agent drawn, every one completed; the totals rolled up in the page are the server's and the emulator's.
        var cells = driver.FindElements(By.CssSelector("#grid .agent"));
        Assert.Equal(300, cells.Count);
        Assert.All(cells, c => Assert.Equal("Completed", c.GetAttribute("data-state")));
        Assert.Equal(3_998, cells.Sum(c => int.Parse(c.GetAttribute("data-steps")!, System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal("4000", driver.FindElement(By.Id("steps")).GetAttribute("data-value"));
        var tokens = driver.FindElement(By.Id("tokens")).GetAttribute("data-value");
        Assert.Equal(status.GetAttribute("data-tokens"), tokens);
        Assert.Equal(status.GetAttribute("data-emulator-tokens"), tokens);
        Assert.Equal("300 / 300", driver.FindElement(By.Id("done")).Text);
        Assert.Equal("Completed", driver.FindElement(By.Id("orch-state")).Text);

        driver.Quit();
        await app.StopAsync(cancellationToken);
    }

    /// <summary>Keeps a screenshot beside the test binaries (artifacts/) and attaches it to the test result.</summary>
    private static void Save(ChromeDriver driver, string name)
    {
        var screenshot = driver.GetScreenshot();
        var directory = Path.Combine(AppContext.BaseDirectory, "artifacts");
        Directory.CreateDirectory(directory);
        screenshot.SaveAsFile(Path.Combine(directory, name));
        TestContext.Current.AddAttachment(name, screenshot.AsByteArray, "image/png");
    }
}

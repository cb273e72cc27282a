using System.CommandLine;
using System.Globalization;

namespace Kimi.Client.Cli.Commands;

/// <summary><c>kimi balance</c>: the account balance, exact, in the host's currency.</summary>
internal static class BalanceCommand
{
    public static Command Create(CliConsole console)
    {
        var command = new Command("balance", "Show the account balance (Moonshot: GET {base}/users/me/balance): available, cash and voucher, in the region's currency.");
        command.SetAction((parse, cancellationToken) => KimiCli.WithHostAsync(console, parse, async host =>
        {
            using var client = host.CreateClient();
            var balance = await client.GetPlatformClient().GetBalanceAsync(cancellationToken).ConfigureAwait(false);
            var line = string.Create(CultureInfo.InvariantCulture, $"{balance.Available} {balance.Currency} available (cash {balance.Cash}, voucher {balance.Voucher})");
            await console.Out.WriteLineAsync(line).ConfigureAwait(false);
            if (balance.Available <= 0)
            {
                await console.Error.WriteLineAsync("kimi: the balance is used up: the host refuses inference calls until it is topped up.").ConfigureAwait(false);
            }

            return KimiCli.Success;
        }));
        return command;
    }
}

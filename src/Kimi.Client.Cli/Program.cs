using Kimi.Client.Cli;

return await KimiCli.RunAsync(args, CliConsole.FromProcess()).ConfigureAwait(false);

using TwinLab.Cli;

return TwinLabCli.Run(args, Console.Out, Console.Error);

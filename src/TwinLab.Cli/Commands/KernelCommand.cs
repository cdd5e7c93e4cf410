using System.CommandLine;
using System.Runtime.InteropServices;
using TwinLab.Interactive;
using TwinLab.Notebooks.Engine;
using TwinLab.Notebooks.Kernel;

namespace TwinLab.Cli.Commands;

/// <summary>
/// <c>twinlab kernel install [--user | --prefix P]</c> writes TwinLab's Jupyter kernelspec; <c>twinlab kernel start
/// CONNECTION_FILE</c> runs the kernel (Jupyter does this through the kernelspec).
/// </summary>
/// <param name="output">Where results are written.</param>
/// <param name="error">The kernel's log.</param>
internal sealed class KernelCommand(TextWriter output, TextWriter error) : CliCommand(output)
{
    /// <summary>The command's name on the command line.</summary>
    public const string Name = "kernel";

    /// <inheritdoc />
    public override Command Build()
    {
        var user = new Option<bool>("--user") { Description = "Install for this user (~/.local/share/jupyter/kernels, or $JUPYTER_DATA_DIR/kernels)." };
        var prefix = new Option<string?>("--prefix") { Description = "Install under PREFIX/share/jupyter/kernels (e.g. a virtual environment, or a folder on JUPYTER_PATH)." };
        var install = new Command("install", "Install the 'twinlab' kernelspec (\"TwinLab (C#)\") so that Jupyter, JupyterLab and VS Code can start TwinLab's kernel. Default: for all users (/usr/local/share/jupyter/kernels).")
        {
            user, prefix,
        };
        install.SetAction(r => Install(r.GetValue(user), r.GetValue(prefix)));

        var connectionFile = new Argument<string>("connection-file") { Description = "The connection file Jupyter wrote (ports, address and signing key)." };
        var start = new Command("start", "Run the kernel on the sockets of a Jupyter connection file (Jupyter starts it this way; see 'twinlab kernel install').")
        {
            connectionFile,
        };
        start.SetAction(r => Start(r.GetRequiredValue(connectionFile)));

        var command = new Command(Name, "TwinLab's Jupyter kernel: install its kernelspec, or start it.");
        command.Subcommands.Add(install);
        command.Subcommands.Add(start);
        return command;
    }

    /// <summary>Writes the kernelspec.</summary>
    /// <returns><see cref="ExitCodes.Success"/>.</returns>
    /// <exception cref="UsageException">Both --user and --prefix, or a folder that cannot be written.</exception>
    public int Install(bool user, string? prefix)
    {
        if (user && prefix is not null)
        {
            throw new UsageException("Give either --user or --prefix, not both.");
        }
        var scope = prefix is not null ? KernelSpecScope.Prefix : user ? KernelSpecScope.User : KernelSpecScope.System;
        var kernels = KernelSpec.KernelsDirectory(scope, prefix);
        var dll = typeof(KernelCommand).Assembly.Location;
        PlotlyScript plotly;
        try
        {
            plotly = PlotlyScript.Locate();
        }
        catch (FileNotFoundException e)
        {
            throw new UsageException($"Cannot install the kernelspec: charts need plotly.js in the kernelspec folder. {e.Message}", e);
        }
        string folder;
        try
        {
            folder = KernelSpec.Install(kernels, DotnetHost(), dll, plotly);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new UsageException($"Cannot write the kernelspec into '{kernels}': {e.Message} Use --user (or --prefix DIR), or run as root.", e);
        }
        Output.WriteLine($"Installed the kernelspec '{KernelSpec.Name}' ({KernelSpec.DisplayName}) in {folder}");
        Output.WriteLine($"It starts: {DotnetHost()} {dll} kernel start {{connection_file}}");
        Output.WriteLine($"Charts load {plotly} from it, served at <base_url>{ChartHtml.KernelSpecScriptUrl}");
        return ExitCodes.Success;
    }

    /// <summary>Runs the kernel until Jupyter shuts it down.</summary>
    /// <returns><see cref="ExitCodes.Success"/> after a shutdown request.</returns>
    /// <exception cref="UsageException">The connection file is missing or invalid.</exception>
    public int Start(string connectionFile)
    {
        ConnectionInfo connection;
        try
        {
            connection = ConnectionInfo.Read(connectionFile);
        }
        catch (Exception e) when (e is FormatException or IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"Cannot use the connection file: {e.Message}", e);
        }
        using var engine = new ScriptEngine();
        using var server = new KernelServer(connection, engine, error);
        // Jupyter interrupts through control messages (interrupt_mode "message"); a SIGINT, e.g. Ctrl+C in the
        // terminal that started the server, interrupts the running cell too, and never kills the kernel.
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, context =>
        {
            context.Cancel = true;
            server.Interrupt();
        });
        using var parentWatch = WatchParent(server);
        ThreadPool.QueueUserWorkItem(_ =>
        {
            try
            {
                engine.WarmUp();
            }
#pragma warning disable CA1031 // Warming up is an optimisation; the first cell reports any real problem.
            catch (Exception e)
#pragma warning restore CA1031
            {
                error.WriteLine($"twinlab kernel: warm-up failed: {e.Message}");
            }
        });
        server.Run();
        return ExitCodes.Success;
    }

    /// <summary>Stops the kernel when the process that started it (JPY_PARENT_PID, set by jupyter_client) is gone, so
    /// that no kernel outlives its front end.</summary>
    private static Timer? WatchParent(KernelServer server)
    {
        if (!int.TryParse(Environment.GetEnvironmentVariable("JPY_PARENT_PID"), out var parent) || parent <= 1 || !OperatingSystem.IsLinux())
        {
            return null;
        }
        return new Timer(_ =>
        {
            if (!Directory.Exists($"/proc/{parent}"))
            {
                server.Stop();
            }
        }, null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }

    /// <summary>The dotnet host running this command, or 'dotnet' from the PATH.</summary>
    private static string DotnetHost()
    {
        var process = Environment.ProcessPath;
        if (process is not null && Path.GetFileNameWithoutExtension(process) == "dotnet")
        {
            return process;
        }
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        return !string.IsNullOrEmpty(host) && File.Exists(host) ? host : "dotnet";
    }
}

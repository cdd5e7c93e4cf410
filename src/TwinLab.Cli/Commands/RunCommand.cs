using System.CommandLine;
using System.Globalization;
using TwinLab.Interactive;
using TwinLab.Notebooks.Documents;
using TwinLab.Notebooks.Running;

namespace TwinLab.Cli.Commands;

/// <summary>
/// <c>twinlab run PATH... [-p name=value]... [--out DIR | --inplace] [--html] [--timeout SECONDS] [--allow-errors]</c>:
/// executes notebooks headless, in process, and reports each one; exit code 1 when a cell fails.
/// </summary>
/// <param name="output">Where the report is written.</param>
/// <param name="error">Where warnings are written.</param>
internal sealed class RunCommand(TextWriter output, TextWriter error) : CliCommand(output)
{
    /// <summary>The command's name on the command line.</summary>
    public const string Name = "run";

    /// <inheritdoc />
    public override Command Build()
    {
        var paths = new Argument<string[]>("path") { Description = "Notebooks (.ipynb, .dib) or folders of notebooks (every notebook in the folder, in name order).", Arity = ArgumentArity.OneOrMore };
        var parameters = new Option<string[]>("--parameter", "-p") { Description = "A parameter value: name=value (repeatable); injected after the cell tagged 'parameters'." };
        var outDirectory = new Option<string?>("--out") { Description = "Write the executed notebooks (.dib as .ipynb) into this folder." };
        var inPlace = new Option<bool>("--inplace") { Description = "Write the executed notebooks over the .ipynb inputs." };
        var html = new Option<bool>("--html") { Description = "Also write each executed notebook as a self-contained HTML page (with --out or --inplace)." };
        var timeout = new Option<double?>("--timeout") { Description = "The longest one cell may run, in seconds (default: no limit)." };
        var allowErrors = new Option<bool>("--allow-errors") { Description = "Carry on after a failing cell, and exit 0 (failures are still reported)." };
        var command = new Command(Name, "Execute notebooks headless and report each one; exit code 1 when a cell fails.")
        {
            paths, parameters, outDirectory, inPlace, html, timeout, allowErrors,
        };
        command.SetAction(r => Execute(new Request(
            r.GetValue(paths) ?? [],
            r.GetValue(parameters) ?? [],
            r.GetValue(outDirectory),
            r.GetValue(inPlace),
            r.GetValue(html),
            r.GetValue(timeout),
            r.GetValue(allowErrors))));
        return command;
    }

    /// <summary>Everything <c>run</c> was asked to do.</summary>
    internal sealed record Request(string[] Paths, string[] Parameters, string? Out, bool InPlace, bool Html, double? Timeout, bool AllowErrors);

    /// <summary>Runs the notebooks.</summary>
    /// <returns><see cref="ExitCodes.Success"/>, or <see cref="ExitCodes.Failure"/> when a cell of any notebook failed.</returns>
    /// <exception cref="UsageException">Bad options, paths or parameters, or a malformed notebook.</exception>
    public int Execute(Request request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var parameters = ParseParameters(request.Parameters);
        if (request.Out is not null && request.InPlace)
        {
            throw new UsageException("Give either --out DIR or --inplace, not both.");
        }
        if (request.Html && request.Out is null && !request.InPlace)
        {
            throw new UsageException("--html writes pages beside the executed notebooks: give --out DIR (or --inplace) too.");
        }
        if (request.Timeout is { } seconds && (!double.IsFinite(seconds) || seconds <= 0))
        {
            throw new UsageException("--timeout must be a positive number of seconds.");
        }
        var notebooks = NotebookInputs.Read(request.Paths);
        var targets = Targets(notebooks.Select(n => n.Path).ToList(), request);

        var failed = new List<string>();
        var options = new RunOptions
        {
            Parameters = parameters,
            CellTimeout = request.Timeout is { } t ? TimeSpan.FromSeconds(t) : null,
            AllowErrors = request.AllowErrors,
        };
        for (var k = 0; k < notebooks.Count; k++)
        {
            var (path, notebook) = notebooks[k];
            Output.WriteLine($"{path}: running");
            Output.Flush();
            RunResult result;
            try
            {
                result = NotebookRunner.Run(notebook, options);
            }
            catch (NotebookFormatException e)
            {
                throw new UsageException(e.Message, e);
            }
            catch (ArgumentException e) when (e.ParamName == "values")
            {
                throw new UsageException($"-p: {e.Message}", e);
            }
            foreach (var warning in result.Warnings)
            {
                error.WriteLine($"{TwinLabCli.ProgramName}: warning: {path}: {warning}");
            }
            var elapsed = result.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture);
            if (result.Succeeded)
            {
                Output.WriteLine($"{path}: ok, {result.ExecutedCells} code cells in {elapsed} s");
            }
            else
            {
                failed.Add(path);
                foreach (var failure in result.Failures)
                {
                    Output.WriteLine($"{path}: {failure.Label} failed: {failure.Error.Summary}");
                    foreach (var line in failure.Error.Traceback.Skip(1))
                    {
                        Output.WriteLine($"    {line}");
                    }
                }
                Output.WriteLine($"{path}: FAILED, {result.Failures.Count} failing cell{(result.Failures.Count == 1 ? "" : "s")}, {result.ExecutedCells} code cells run in {elapsed} s");
            }
            if (targets[k] is { } target)
            {
                Write(result.Notebook, target, request.Html);
            }
        }
        var summary = failed.Count == 0
            ? $"{notebooks.Count} notebook{(notebooks.Count == 1 ? "" : "s")} ran without errors."
            : $"{failed.Count} of {notebooks.Count} notebook{(notebooks.Count == 1 ? "" : "s")} failed: {string.Join(", ", failed)}.";
        Output.WriteLine(summary);
        return failed.Count == 0 || request.AllowErrors ? ExitCodes.Success : ExitCodes.Failure;
    }

    private static List<KeyValuePair<string, string>> ParseParameters(string[] assignments)
    {
        var values = new List<KeyValuePair<string, string>>();
        foreach (var assignment in assignments)
        {
            var eq = assignment.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new UsageException($"-p '{assignment}' is not name=value (e.g. -p seed=42).");
            }
            var name = assignment[..eq].Trim();
            if (!Microsoft.CodeAnalysis.CSharp.SyntaxFacts.IsValidIdentifier(name))
            {
                throw new UsageException($"-p '{assignment}': '{name}' is not a C# variable name.");
            }
            values.RemoveAll(v => v.Key == name);
            values.Add(KeyValuePair.Create(name, assignment[(eq + 1)..]));
        }
        return values;
    }

    /// <summary>Where each executed notebook is written (null: nowhere).</summary>
    private static List<string?> Targets(List<string> paths, Request request)
    {
        if (request.InPlace)
        {
            var dib = paths.FirstOrDefault(p => p.EndsWith(DibFormat.Extension, StringComparison.OrdinalIgnoreCase));
            if (dib is not null)
            {
                throw new UsageException($"--inplace cannot store outputs in '{dib}' (a .dib file has none); use --out DIR, which writes .ipynb files.");
            }
            return [.. paths];
        }
        if (request.Out is null)
        {
            return [.. paths.Select(_ => (string?)null)];
        }
        var directory = Path.GetFullPath(request.Out);
        try
        {
            Directory.CreateDirectory(directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"Cannot create the output folder '{request.Out}': {e.Message}", e);
        }
        var targets = new List<string?>();
        var used = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var path in paths)
        {
            var target = Path.Combine(directory, Path.GetFileNameWithoutExtension(path) + IpynbFormat.Extension);
            if (used.TryGetValue(target, out var other))
            {
                throw new UsageException($"'{path}' and '{other}' would both be written to '{target}'; run them with different --out folders.");
            }
            used[target] = path;
            targets.Add(target);
        }
        return targets;
    }

    /// <summary>The installed plotly.js, or null; a wrong TWINLAB_PLOTLY_JS is a usage error.</summary>
    private static PlotlyScript? LocatePlotly()
    {
        try
        {
            return PlotlyScript.TryLocate();
        }
        catch (FileNotFoundException e)
        {
            throw new UsageException($"Cannot write interactive charts: {e.Message}", e);
        }
    }

    private void Write(NotebookDocument notebook, string target, bool html)
    {
        try
        {
            IpynbFormat.Save(notebook, target);
            Output.WriteLine($"  wrote {target}");
            if (html)
            {
                var page = Path.ChangeExtension(target, ".html");
                var plotly = HtmlExporter.HasCharts(notebook) ? LocatePlotly() : null;
                File.WriteAllText(page, HtmlExporter.ToHtml(notebook, Path.GetFileNameWithoutExtension(target), plotly));
                Output.WriteLine(plotly is null && HtmlExporter.HasCharts(notebook)
                    ? $"  wrote {page} (charts static: plotly.js is not installed; run 'bash environment/setup.sh')"
                    : $"  wrote {page}");
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"Cannot write '{target}': {e.Message}", e);
        }
    }
}

using System.CommandLine;
using System.Globalization;
using TwinLab.Notebooks.Documents;
using TwinLab.Notebooks.Running;

namespace TwinLab.Cli.Commands;

/// <summary>
/// <c>twinlab verify PATH... [--rtol R] [--atol A] [--timeout SECONDS]</c>: re-executes notebooks and compares every
/// output with the stored one; prints a per-cell report; exit code 1 on any mismatch.
/// </summary>
/// <param name="output">Where the report is written.</param>
internal sealed class VerifyCommand(TextWriter output) : CliCommand(output)
{
    /// <summary>The command's name on the command line.</summary>
    public const string Name = "verify";

    /// <inheritdoc />
    public override Command Build()
    {
        var paths = new Argument<string[]>("path") { Description = "Executed notebooks (.ipynb) or folders of them.", Arity = ArgumentArity.OneOrMore };
        var rtol = new Option<double>("--rtol") { Description = "Relative tolerance for numbers in outputs (default 1e-6).", DefaultValueFactory = _ => 1e-6 };
        var atol = new Option<double>("--atol") { Description = "Absolute tolerance for numbers in outputs (default 1e-9).", DefaultValueFactory = _ => 1e-9 };
        var timeout = new Option<double?>("--timeout") { Description = "The longest one cell may run, in seconds (default: no limit)." };
        var command = new Command(Name, "Re-execute notebooks and check that every stored output reproduces, numbers within tolerances; exit code 1 on any mismatch.")
        {
            paths, rtol, atol, timeout,
        };
        command.SetAction(r => Execute(r.GetValue(paths) ?? [], r.GetValue(rtol), r.GetValue(atol), r.GetValue(timeout)));
        return command;
    }

    private static string Format(double value) => value.ToString("0.###e+0", CultureInfo.InvariantCulture);

    /// <summary>Verifies the notebooks.</summary>
    /// <returns><see cref="ExitCodes.Success"/> when everything reproduces, else <see cref="ExitCodes.Failure"/>.</returns>
    /// <exception cref="UsageException">Bad tolerances or paths, a .dib file, or a malformed notebook.</exception>
    public int Execute(string[] paths, double rtol, double atol, double? timeout)
    {
        ArgumentNullException.ThrowIfNull(paths);
        if (!double.IsFinite(rtol) || rtol < 0 || !double.IsFinite(atol) || atol < 0)
        {
            throw new UsageException("--rtol and --atol must be numbers of 0 or more.");
        }
        if (timeout is { } seconds && (!double.IsFinite(seconds) || seconds <= 0))
        {
            throw new UsageException("--timeout must be a positive number of seconds.");
        }
        var notebooks = NotebookInputs.Read(paths);
        var dib = notebooks.FirstOrDefault(n => n.Path.EndsWith(DibFormat.Extension, StringComparison.OrdinalIgnoreCase));
        if (dib.Path is not null)
        {
            throw new UsageException($"'{dib.Path}' is a .dib file, which stores no outputs to compare; run it with 'twinlab run {dib.Path} --out DIR' and verify the .ipynb written there.");
        }
        var tolerance = new Tolerance(rtol, atol);
        var mismatched = new List<string>();
        foreach (var (path, notebook) in notebooks)
        {
            Output.WriteLine($"{path}: verifying");
            Output.Flush();
            VerificationReport report;
            try
            {
                report = NotebookVerifier.Verify(notebook, tolerance, timeout is { } t ? TimeSpan.FromSeconds(t) : null);
            }
            catch (NotebookFormatException e)
            {
                throw new UsageException(e.Message, e);
            }
            var width = report.Cells.Count == 0 ? 0 : report.Cells.Max(c => c.Label.Length);
            foreach (var cell in report.Cells)
            {
                var verdict = cell.Verdict switch
                {
                    CellVerdict.Reproduced => "reproduced",
                    CellVerdict.Mismatch => "MISMATCH",
                    _ => notebook.Cells[cell.Index].Kind == CellKind.Code ? "skipped (skip-execution)" : notebook.Cells[cell.Index].Kind.ToString().ToLowerInvariant(),
                };
                Output.WriteLine($"  {cell.Label.PadRight(width)}  {verdict}");
                foreach (var difference in cell.Differences)
                {
                    Output.WriteLine($"      {difference}");
                }
            }
            var settings = $"rtol {Format(rtol)}, atol {Format(atol)}";
            if (report.Reproduced)
            {
                Output.WriteLine($"{path}: reproduced, {report.Compared} of {report.Compared} code cells match ({settings})");
            }
            else
            {
                mismatched.Add(path);
                Output.WriteLine($"{path}: NOT REPRODUCED, {report.Mismatches} of {report.Compared} code cells differ ({settings})");
            }
        }
        Output.WriteLine(mismatched.Count == 0
            ? $"{notebooks.Count} notebook{(notebooks.Count == 1 ? "" : "s")} reproduced."
            : $"{mismatched.Count} of {notebooks.Count} notebook{(notebooks.Count == 1 ? "" : "s")} did not reproduce: {string.Join(", ", mismatched)}.");
        return mismatched.Count == 0 ? ExitCodes.Success : ExitCodes.Failure;
    }
}

using System.CommandLine;
using System.Globalization;
using TwinLab.Synthetic.Evaluation;

namespace TwinLab.Cli.Commands;

/// <summary>
/// <c>twinlab cohort evaluate</c>: scores synthetic records against real ones (fidelity always; privacy and, with a
/// target column, utility when a real holdout is given; every score again by subgroup) and writes a
/// <see cref="QualityReport"/> as JSON. Columns are inferred as numeric or categorical.
/// </summary>
internal sealed partial class CohortCommand
{
    /// <summary>Everything <c>cohort evaluate</c> was asked to do.</summary>
    internal sealed record EvaluateRequest(string Real, string Synthetic, string Report)
    {
        /// <summary>Real records the generator never saw; needed for privacy and utility metrics.</summary>
        public string? Holdout { get; init; }

        /// <summary>Columns whose groups get their own scores.</summary>
        public IReadOnlyList<string> Subgroups { get; init; } = [];

        /// <summary>The outcome column of the downstream (utility) model.</summary>
        public string? Target { get; init; }

        /// <summary>The seed of every randomised metric (cross-validation folds, subsamples, bootstrap).</summary>
        public ulong Seed { get; init; }
    }

    partial void AddSubcommands(Command cohort) => cohort.Subcommands.Add(BuildEvaluate());

    /// <summary>Evaluates synthetic records against real ones and writes the report.</summary>
    /// <param name="request">The request.</param>
    /// <returns><see cref="ExitCodes.Success"/>.</returns>
    /// <exception cref="UsageException">A missing or malformed file, an unknown column, or a target without a holdout.</exception>
    public int Evaluate(EvaluateRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Target is not null && request.Holdout is null)
        {
            throw new UsageException("--target needs --holdout: utility is trained on real or synthetic records and tested on real records the generator never saw.");
        }
        var reportPath = Path.GetFullPath(request.Report);
        if (!Directory.Exists(Path.GetDirectoryName(reportPath)))
        {
            throw new UsageException($"Cannot write '{request.Report}': the folder '{Path.GetDirectoryName(reportPath)}' does not exist.");
        }
        var real = Read(request.Real, "--real");
        var synthetic = Read(request.Synthetic, "--synthetic");
        var holdout = request.Holdout is null ? null : Read(request.Holdout, "--holdout");
        foreach (var column in request.Subgroups.Append(request.Target).OfType<string>())
        {
            if (!real.ColumnNames.Contains(column))
            {
                throw new UsageException($"Column '{column}' is not in {request.Real}; its columns are {string.Join(", ", real.ColumnNames)}.");
            }
        }
        QualityReport report;
        try
        {
            report = QualityReport.Evaluate(
                new EvaluationData(real, synthetic, holdout),
                new QualityReportOptions { Seed = request.Seed, Target = request.Target, Subgroups = request.Subgroups });
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message, e);
        }
        report.WriteJson(reportPath);
        Output.WriteLine(report.ToString());
        if (holdout is null)
        {
            Output.WriteLine("privacy and utility metrics were not computed: they need --holdout (real records the generator never saw).");
        }
        Output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{real.RowCount} real, {synthetic.RowCount} synthetic, {holdout?.RowCount ?? 0} holdout rows; wrote {request.Report}"));
        return ExitCodes.Success;
    }

    private static TabularData Read(string path, string option)
    {
        if (!File.Exists(path))
        {
            throw new UsageException($"{option} '{path}' does not exist.");
        }
        try
        {
            return TabularData.ReadCsv(path);
        }
        catch (FormatException e)
        {
            throw new UsageException($"{option}: {e.Message}", e);
        }
    }

    private Command BuildEvaluate()
    {
        var real = new Option<string>("--real") { Description = "CSV of real records (header row first).", Required = true };
        var synthetic = new Option<string>("--synthetic") { Description = "CSV of synthetic records with the same columns.", Required = true };
        var holdout = new Option<string?>("--holdout") { Description = "CSV of real records the generator never saw: enables privacy and utility metrics." };
        var subgroup = new Option<string[]>("--subgroup") { Description = "A categorical column whose groups get their own scores (repeatable).", AllowMultipleArgumentsPerToken = false };
        var target = new Option<string?>("--target") { Description = "The outcome column of the downstream model (utility; needs --holdout)." };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the randomised metrics.", DefaultValueFactory = _ => 1 };
        var report = new Option<string>("--report") { Description = "The JSON report to write.", Required = true };
        var command = new Command("evaluate", "Score synthetic records against real ones (fidelity, privacy, utility, by subgroup) and write a JSON quality report.")
        {
            real, synthetic, holdout, subgroup, target, seed, report,
        };
        command.SetAction(r => Evaluate(new EvaluateRequest(r.GetRequiredValue(real), r.GetRequiredValue(synthetic), r.GetRequiredValue(report))
        {
            Holdout = r.GetValue(holdout),
            Subgroups = r.GetValue(subgroup) ?? [],
            Target = r.GetValue(target),
            Seed = r.GetValue(seed),
        }));
        return command;
    }
}

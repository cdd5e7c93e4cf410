using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using TwinLab.Inference.Abc;
using TwinLab.Inference.Diagnostics;
using TwinLab.Inference.Sbi;
using TwinLab.Inference.Tasks;

namespace TwinLab.Cli.Commands;

/// <summary>
/// <c>twinlab sbi --task NAME --method M --budget N [--x-obs OBS.csv] --samples M --seed S --out SAMPLES.csv</c>:
/// simulation-based inference on an sbibm task; and <c>twinlab sbi c2st --reference A.csv --samples B.csv</c>: the
/// classifier two-sample test between two sample files.
/// </summary>
/// <param name="output">Where the summary is written.</param>
internal sealed class SbiCommand(TextWriter output) : CliCommand(output)
{
    /// <summary>The command's name on the command line.</summary>
    public const string Name = "sbi";

    /// <summary>The methods, by their command-line names.</summary>
    internal static readonly string[] Methods = ["npe", "maf", "mdn", "nsf", "abc-smc", "rej-abc"];

    /// <inheritdoc />
    public override Command Build()
    {
        var task = new Option<string?>("--task") { Description = "An sbibm task: " + string.Join(", ", BenchmarkTasks.Names) + "." };
        var method = new Option<string>("--method") { Description = "npe (the default: NPE with the neural spline flow, as nsf), nsf (neural spline flow), maf (masked autoregressive flow), mdn (mixture density network), abc-smc, rej-abc.", DefaultValueFactory = _ => "npe" };
        method.AcceptOnlyFromAmong(Methods);
        var budget = new Option<int>("--budget") { Description = "Simulations to spend (default 10000).", DefaultValueFactory = _ => 10_000 };
        var observation = new Option<string?>("--x-obs") { Description = "CSV with a header row and one row of observed values in sbibm's column order (default: the task's synthetic observation 1)." };
        var samples = new Option<int>("--samples") { Description = "Posterior samples to write (default 10000).", DefaultValueFactory = _ => 10_000 };
        var seed = new Option<ulong>("--seed") { Description = "Seed (default 1).", DefaultValueFactory = _ => 1UL };
        var outFile = new Option<string?>("--out") { Description = "The CSV file to write: a header of parameter names and one row per sample." };
        var command = new Command(Name, "Simulation-based inference on a benchmark task; writes posterior samples as CSV.")
        {
            task, method, budget, observation, samples, seed, outFile,
        };
        command.SetAction(r => Execute(new Request(r.GetValue(task), r.GetValue(method) ?? "npe", r.GetValue(budget), r.GetValue(observation),
            r.GetValue(samples), r.GetValue(seed), r.GetValue(outFile))));

        var reference = new Option<string>("--reference") { Description = "CSV of reference posterior samples (header of parameter names).", Required = true };
        var candidate = new Option<string>("--samples") { Description = "CSV of samples to assess, same columns.", Required = true };
        var c2stSeed = new Option<ulong>("--seed") { Description = "Seed of the folds and the classifier (default 1).", DefaultValueFactory = _ => 1UL };
        var c2st = new Command("c2st", "Classifier two-sample test as sbibm computes it: 0.5 means indistinguishable, 1.0 separable.")
        {
            reference, candidate, c2stSeed,
        };
        c2st.SetAction(r => ExecuteC2st(r.GetRequiredValue(reference), r.GetRequiredValue(candidate), r.GetValue(c2stSeed)));
        command.Subcommands.Add(c2st);
        return command;
    }

    /// <summary>Everything <c>sbi</c> was asked to do.</summary>
    internal sealed record Request(string? Task, string Method, int Budget, string? Observation, int Samples, ulong Seed, string? Out);

    /// <summary>Runs inference and writes the samples.</summary>
    /// <param name="request">The request.</param>
    /// <returns><see cref="ExitCodes.Success"/>.</returns>
    /// <exception cref="UsageException">A missing or bad option, an unreadable observation file.</exception>
    public int Execute(Request request)
    {
        if (request.Task is null)
        {
            throw new UsageException($"sbi: give --task (one of {string.Join(", ", BenchmarkTasks.Names)}).");
        }

        if (request.Out is null)
        {
            throw new UsageException("sbi: give --out SAMPLES.csv, the file to write the posterior samples to.");
        }

        if (!BenchmarkTasks.Names.Contains(request.Task))
        {
            throw new UsageException($"sbi: unknown task '{request.Task}'. Known tasks: {string.Join(", ", BenchmarkTasks.Names)}.");
        }

        if (request.Budget < 10 || request.Samples < 1)
        {
            throw new UsageException("sbi: --budget must be at least 10 and --samples at least 1.");
        }

        var benchmark = BenchmarkTasks.Create(request.Task);
        var x = request.Observation is null ? benchmark.Observe(1).Observation : ReadObservation(request.Observation, benchmark.Simulator.DataNames.Count);
        var watch = Stopwatch.StartNew();
        PosteriorSamples samples;
        string detail;
        switch (request.Method)
        {
            case "npe" or "maf" or "mdn" or "nsf":
                var options = new NpeOptions
                {
                    Estimator = request.Method switch
                    {
                        "mdn" => DensityEstimator.MixtureDensityNetwork,
                        "nsf" => DensityEstimator.NeuralSplineFlow,
                        "maf" => DensityEstimator.MaskedAutoregressiveFlow,
                        _ => new NpeOptions().Estimator,
                    },
                };
                var posterior = new Npe(benchmark.Prior, benchmark.Simulator, options).Train(request.Budget, request.Seed);
                samples = posterior.Sample(x, request.Samples, request.Seed + 1);
                var t = posterior.Training;
                detail = string.Create(CultureInfo.InvariantCulture,
                    $"{t.Simulations} simulations ({t.ExcludedNonFinite} non-finite excluded), {t.Epochs} epochs (best {t.BestEpoch}), training {t.Elapsed.TotalSeconds:F1} s, acceptance {samples.AcceptanceRate:F3}");
                break;
            case "abc-smc":
                // sbibm's SMC-ABC settings (the AbcSmcOptions defaults), samples from the cross-validated kernel density estimate.
                var smc = AbcSmc.Run(benchmark.Prior, benchmark.Simulator, x, request.Budget, request.Seed);
                samples = smc.Sample(benchmark.Prior, request.Samples, request.Seed + 1);
                detail = string.Create(CultureInfo.InvariantCulture,
                    $"{smc.Simulations} simulations ({smc.ExcludedNonFinite} non-finite excluded), population {smc.Count}, {smc.Generations.Count} generations, final epsilon {smc.Epsilon:G4}, ESS {smc.EffectiveSampleSize:F0}, kernel density bandwidth {smc.KernelDensityBandwidth:G4} ({samples.Proposed - samples.Accepted} draws outside the prior redrawn); stopped by {smc.StoppedBy}");
                break;
            default:
                var keep = Math.Max(1, request.Budget / 100);
                var rejection = RejectionAbc.Run(benchmark.Prior, benchmark.Simulator, x, request.Budget, keep, request.Seed);
                samples = rejection.Resample(request.Samples, request.Seed + 1);
                detail = string.Create(CultureInfo.InvariantCulture,
                    $"{rejection.Simulations} simulations ({rejection.ExcludedNonFinite} non-finite excluded), kept the closest {keep} (epsilon {rejection.Epsilon:G4})");
                break;
        }

        WriteSamples(request.Out, samples);
        Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{benchmark.Name} / {request.Method}: {samples.Count} samples -> {request.Out}; {detail}; {watch.Elapsed.TotalSeconds:F1} s in all."));
        return ExitCodes.Success;
    }

    /// <summary>Computes and prints the C2ST accuracy.</summary>
    /// <param name="referencePath">Reference samples.</param>
    /// <param name="samplesPath">Samples to assess.</param>
    /// <param name="seed">The seed.</param>
    /// <returns><see cref="ExitCodes.Success"/>.</returns>
    public int ExecuteC2st(string referencePath, string samplesPath, ulong seed)
    {
        var (referenceNames, reference) = ReadTable(referencePath);
        var (sampleNames, samples) = ReadTable(samplesPath);
        if (referenceNames.Length != sampleNames.Length)
        {
            throw new UsageException($"sbi c2st: {referencePath} has {referenceNames.Length} columns but {samplesPath} has {sampleNames.Length}; both must hold the same parameters.");
        }

        var score = C2st.Score(reference, samples, referenceNames.Length, seed);
        Output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"c2st {score:F4}"));
        return ExitCodes.Success;
    }

    private static double[] ReadObservation(string path, int expected)
    {
        var (names, values) = ReadTable(path);
        if (values.Length != names.Length)
        {
            throw new UsageException($"sbi: {path} must hold a header row and exactly one row of observed values; it has {values.Length / names.Length} rows.");
        }

        if (names.Length != expected)
        {
            throw new UsageException($"sbi: {path} has {names.Length} columns but the task's data has {expected}; give the values in sbibm's column order.");
        }

        return values;
    }

    /// <summary>Reads a CSV with a header row and numeric rows (invariant culture).</summary>
    internal static (string[] Names, double[] Values) ReadTable(string path)
    {
        if (!File.Exists(path))
        {
            throw new UsageException($"sbi: the file {path} does not exist.");
        }

        var lines = File.ReadAllLines(path).Where(l => l.Trim().Length > 0).ToArray();
        if (lines.Length < 2)
        {
            throw new UsageException($"sbi: {path} needs a header row and at least one row of values.");
        }

        var names = lines[0].Split(',').Select(n => n.Trim().Trim('"')).ToArray();
        var values = new List<double>();
        for (var row = 1; row < lines.Length; row++)
        {
            var cells = lines[row].Split(',');
            if (cells.Length != names.Length)
            {
                throw new UsageException($"sbi: {path} line {row + 1} has {cells.Length} values but the header has {names.Length} columns.");
            }

            foreach (var cell in cells)
            {
                if (!double.TryParse(cell.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
                {
                    throw new UsageException($"sbi: {path} line {row + 1}: '{cell.Trim()}' is not a finite number (use '.' as the decimal point).");
                }

                values.Add(value);
            }
        }

        return (names, [.. values]);
    }

    private static void WriteSamples(string path, PosteriorSamples samples)
    {
        var text = new StringBuilder();
        text.AppendLine(string.Join(',', samples.Names));
        for (var i = 0; i < samples.Count; i++)
        {
            var row = samples.Row(i);
            for (var j = 0; j < row.Length; j++)
            {
                if (j > 0)
                {
                    text.Append(',');
                }

                text.Append(row[j].ToString("R", CultureInfo.InvariantCulture));
            }

            text.AppendLine();
        }

        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(directory);
        var temporary = Path.Combine(directory, "." + Path.GetFileName(full) + ".tmp");
        File.WriteAllText(temporary, text.ToString());
        File.Move(temporary, full, overwrite: true);
    }
}

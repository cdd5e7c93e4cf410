using System.Diagnostics;
using System.Globalization;
using TwinLab.Core.Randomness;
using TwinLab.Inference.Abc;
using TwinLab.Inference.Diagnostics;
using TwinLab.Inference.Mcmc;
using TwinLab.Inference.Sbi;
using TwinLab.Inference.Tasks;

namespace TwinLab.Benchmarks;

/// <summary>
/// The sbibm comparison: for each task, NPE (masked autoregressive flow) and optionally ABC-SMC at a simulation budget,
/// scored by C2ST against a reference posterior for the task's synthetic observation 1. sbibm's stored reference
/// samples are not available here, so the reference is: exact draws for gaussian_linear, gaussian_linear_uniform and
/// gaussian_mixture; sampling-importance-resampling from the prior on the tractable likelihood for two_moons and slcp
/// (many prior draws, as sbibm's own SLCP reference starts); the affine-invariant ensemble sampler on the tractable
/// likelihood for sir, lotka_volterra and bernoulli_glm (unimodal posteriors).
/// Usage: sbi-c2st [--budget 10000] [--samples 10000] [--tasks a,b,...] [--seed 1] [--abc] [--proposals 2000000]
/// </summary>
public static class SbiC2stBenchmark
{
    public static int Run(string[] args, TextWriter output)
    {
        var budget = Option(args, "--budget", 10_000);
        var count = Option(args, "--samples", 10_000);
        var seed = (ulong)Option(args, "--seed", 1);
        var proposals = Option(args, "--proposals", 2_000_000);
        var abc = args.Contains("--abc");
        var tasks = OptionText(args, "--tasks")?.Split(',') ?? ["gaussian_linear", "two_moons", "slcp", "sir", "lotka_volterra"];
        output.WriteLine($"sbi-c2st: budget {budget}, {count} samples, seed {seed}, {Environment.ProcessorCount} cores");
        output.WriteLine("task | method | simulations | excluded | train s | epochs | c2st | reference");
        foreach (var name in tasks)
        {
            var task = BenchmarkTasks.Create(name);
            var (truth, x) = task.Observe(1);
            var (reference, kind) = Reference(task, truth, x, count, seed, proposals);
            var watch = Stopwatch.StartNew();
            var posterior = new Npe(task.Prior, task.Simulator).Train(budget, seed);
            var samples = posterior.Sample(x, count, seed + 1);
            var t = posterior.Training;
            var score = C2st.Score(reference.Values, samples.Values, task.Prior.Dimension, seed);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name} | npe (maf) | {t.Simulations} | {t.ExcludedNonFinite} | {t.Elapsed.TotalSeconds:F1} | {t.Epochs} | {score:F3} | {kind}"));
            if (abc)
            {
                watch.Restart();
                var population = budget >= 10_000 ? 1000 : Math.Max(10, budget / 10);
                var smc = AbcSmc.Run(task.Prior, task.Simulator, x, budget, seed, new AbcSmcOptions { PopulationSize = population, InitialRoundFactor = Math.Min(5, budget / population) });
                var abcScore = C2st.Score(reference.Values, smc.Resample(count, seed + 2).Values, task.Prior.Dimension, seed);
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{name} | abc-smc | {smc.Simulations} | {smc.ExcludedNonFinite} | {watch.Elapsed.TotalSeconds:F1} | {smc.Generations.Count} gen. | {abcScore:F3} | {kind}"));
            }
        }

        return 0;
    }

    private static (PosteriorSamples Samples, string Kind) Reference(BenchmarkTask task, double[] truth, double[] x, int count, ulong seed, int proposals)
    {
        if (task.HasAnalyticPosterior)
        {
            return (task.SampleReferencePosterior(x, count, seed + 7), "exact");
        }

        var d = task.Prior.Dimension;
        if (task.Name is "two_moons" or "slcp")
        {
            var values = new double[proposals * d];
            var logWeights = new double[proposals];
            Parallel.For(0, proposals, i =>
            {
                var stream = RandomStream.For(seed, "reference.proposal", (ulong)i);
                task.Prior.Sample(ref stream, values.AsSpan(i * d, d));
                logWeights[i] = task.LogLikelihood(values.AsSpan(i * d, d), x);
            });
            var max = logWeights.Max();
            var cumulative = new double[proposals];
            var sum = 0.0;
            var squares = 0.0;
            for (var i = 0; i < proposals; i++)
            {
                var w = Math.Exp(logWeights[i] - max);
                sum += w;
                squares += w * w;
                cumulative[i] = sum;
            }

            var picker = RandomStream.For(seed, "reference.resample");
            var result = new double[count * d];
            for (var n = 0; n < count; n++)
            {
                var target = picker.NextDouble() * sum;
                var index = Array.BinarySearch(cumulative, target);
                index = Math.Min(index < 0 ? ~index : index, proposals - 1);
                values.AsSpan(index * d, d).CopyTo(result.AsSpan(n * d, d));
            }

            return (new PosteriorSamples(task.Prior.Names, result, count, count), string.Create(CultureInfo.InvariantCulture, $"importance resampling, ESS {sum * sum / squares:F0} of {proposals}"));
        }

        double LogTarget(ReadOnlySpan<double> theta)
        {
            var prior = task.Prior.LogDensity(theta);
            return double.IsFinite(prior) ? prior + task.LogLikelihood(theta, x) : double.NegativeInfinity;
        }

        var walkers = 4 * d;
        var starts = new double[walkers][];
        var jitter = RandomStream.For(seed, "reference.starts");
        for (var w = 0; w < walkers; w++)
        {
            starts[w] = [.. truth.Select(v => v * (1 + (0.01 * jitter.NextNormal())))];
        }

        var iterations = Math.Max(count / walkers * 5, 1000);
        var chains = EnsembleSampler.Sample(task.Prior.Names, LogTarget, starts, warmUp: 2000, iterations: iterations, seed: seed + 11);
        var pooled = chains.Pooled();
        var thin = pooled.Count / count;
        var thinned = new double[count * d];
        for (var n = 0; n < count; n++)
        {
            pooled.Values.AsSpan(n * thin * d, d).CopyTo(thinned.AsSpan(n * d, d));
        }

        return (new PosteriorSamples(task.Prior.Names, thinned, count, count),
            string.Create(CultureInfo.InvariantCulture, $"ensemble MCMC, max R-hat {chains.RHat().Max():F3}"));
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var text = OptionText(args, name);
        return text is null ? fallback : int.Parse(text, CultureInfo.InvariantCulture);
    }

    private static string? OptionText(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}

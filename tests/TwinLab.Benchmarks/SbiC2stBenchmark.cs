using System.Diagnostics;
using System.Globalization;
using TwinLab.Core.Randomness;
using TwinLab.Inference;
using TwinLab.Inference.Abc;
using TwinLab.Inference.Diagnostics;
using TwinLab.Inference.Mcmc;
using TwinLab.Inference.Sbi;
using TwinLab.Inference.Tasks;

namespace TwinLab.Benchmarks;

/// <summary>
/// The sbibm protocol (Lueckmann et al. 2021): for each task and each of its observations 1 … N (default 10), every
/// selected method spends the simulation budget (default 10⁴), draws posterior samples (default 10⁴) and is scored by
/// C2ST against a reference posterior for that observation; per task and method the mean C2ST (± its standard error
/// over observations) and the mean training time are printed. sbibm's stored observations and reference samples are
/// not available here, so the observations are the tasks' synthetic ones (<see cref="BenchmarkTask.Observe"/>) and the
/// reference is: exact draws for gaussian_linear, gaussian_linear_uniform and gaussian_mixture;
/// sampling-importance-resampling from the prior on the tractable likelihood for two_moons; for slcp, the ensemble
/// sampler on the posterior folded onto its one sign orthant of θ₃ and θ₄, with random signs (its four modes are mirror
/// images); the affine-invariant ensemble sampler on the tractable likelihood for sir, lotka_volterra and bernoulli_glm
/// (unimodal posteriors).
/// Methods: npe (NPE with its default estimator), maf (masked autoregressive flow), nsf (neural spline flow), mdn (mixture density network), abc-smc (sbibm's
/// SMC-ABC settings), abc-smc-weighted (the same with an importance-weighted kernel density estimate),
/// abc-smc-particles (the same, resampling the weighted particles instead of a kernel density estimate).
/// Usage: sbi-c2st [--budget 10000] [--samples 10000] [--observations 10 | --observation N] [--tasks a,b,...] [--methods npe,nsf,abc-smc]
/// [--seed 1] [--proposals 2000000] [--abc (adds abc-smc)] [--trace (prints every ABC-SMC generation)]
/// [--reference-walkers 8 (per parameter)] [--reference-warmup 10000] [--reference-thinning 40 (kept iterations per draw and walker)]
/// [--reference-proposals 200000 (importance resampling around the chain; 0: the chain itself)]
/// </summary>
public static class SbiC2stBenchmark
{
    /// <summary>The methods the harness knows.</summary>
    public static readonly string[] Methods = ["npe", "maf", "nsf", "mdn", "abc-smc", "abc-smc-weighted", "abc-smc-particles"];

    public static int Run(string[] args, TextWriter output)
    {
        var budget = Option(args, "--budget", 10_000);
        var count = Option(args, "--samples", 10_000);
        var observations = Option(args, "--observations", 10);
        var only = Option(args, "--observation", 0); // one observation instead of 1 … observations
        var seed = (ulong)Option(args, "--seed", 1);
        var proposals = Option(args, "--proposals", 2_000_000);
        var trace = args.Contains("--trace");
        // 8 walkers per parameter, 10⁴ warm-up iterations and 40 kept iterations per draw and walker bring R̂ to ≤ 1.01 on
        // every sir and lotka_volterra reference but sir's observation 3 (4, 2000 and 5 left R̂ at 1.01–1.03, and 1.31).
        var chains = new ReferenceChains(Option(args, "--reference-walkers", 8), Option(args, "--reference-warmup", 10_000), Option(args, "--reference-thinning", 40),
            Option(args, "--reference-proposals", 200_000));
        var tasks = OptionText(args, "--tasks")?.Split(',') ?? ["gaussian_linear", "two_moons", "slcp", "sir", "lotka_volterra"];
        var methods = (OptionText(args, "--methods")?.Split(',') ?? ["npe"]).ToList();
        if (args.Contains("--abc") && !methods.Contains("abc-smc"))
        {
            methods.Add("abc-smc");
        }

        foreach (var method in methods.Where(m => !Methods.Contains(m)))
        {
            throw new ArgumentException($"sbi-c2st: unknown method '{method}'; use {string.Join(", ", Methods)}.");
        }

        if (observations is < 1 or > 10 || only is < 0 or > 10 || budget < 10 || count < 2)
        {
            throw new ArgumentException("sbi-c2st: --observations and --observation must be 1 … 10, --budget at least 10 and --samples at least 2.");
        }

        if (chains.WalkersPerDimension < 1 || chains.WarmUp < 0 || chains.Thinning < 1 || chains.Proposals < 0)
        {
            throw new ArgumentException("sbi-c2st: --reference-walkers and --reference-thinning must be at least 1, --reference-warmup and --reference-proposals at least 0.");
        }

        int[] indices = only > 0 ? [only] : [.. Enumerable.Range(1, observations)];

        output.WriteLine($"sbi-c2st: budget {budget}, {count} samples, observations {(only > 0 ? only : $"1-{observations}")}, seed {seed}, methods {string.Join(",", methods)}, {Environment.ProcessorCount} cores");
        output.WriteLine("task | observation | method | simulations | excluded | train s | epochs/generations | c2st | reference");
        var summary = new List<string>();
        foreach (var name in tasks)
        {
            var task = BenchmarkTasks.Create(name);
            var scores = methods.ToDictionary(m => m, _ => new List<double>());
            var seconds = methods.ToDictionary(m => m, _ => new List<double>());
            foreach (var index in indices)
            {
                var (truth, x) = task.Observe(index);
                var (reference, kind) = Reference(task, truth, x, count, seed + (ulong)index, proposals, chains);
                foreach (var method in methods)
                {
                    var runSeed = seed + (ulong)(100 * index);
                    var (samples, simulations, excluded, elapsed, detail) = Infer(task, method, x, budget, count, runSeed, trace);
                    var score = C2st.Score(reference.Values, samples.Values, task.Prior.Dimension, seed);
                    scores[method].Add(score);
                    seconds[method].Add(elapsed);
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{name} | {index} | {method} | {simulations} | {excluded} | {elapsed:F1} | {detail} | {score:F3} | {kind}"));
                }
            }

            foreach (var method in methods)
            {
                var s = scores[method];
                var mean = s.Average();
                var standardError = s.Count > 1 ? Math.Sqrt(s.Sum(v => (v - mean) * (v - mean)) / (s.Count - 1) / s.Count) : double.NaN;
                summary.Add(string.Create(CultureInfo.InvariantCulture,
                    $"| {name} | {method} | {s.Count} | {mean:F3} ± {standardError:F3} | {seconds[method].Average():F1} |"));
            }
        }

        output.WriteLine();
        output.WriteLine("| Task | method | observations | mean C2ST ± se | mean training (or run) s |");
        output.WriteLine("|---|---|---|---|---|");
        foreach (var line in summary)
        {
            output.WriteLine(line);
        }

        return 0;
    }

    /// <summary>Runs one method on one observation: the samples, simulations, exclusions, training (NPE) or run (ABC)
    /// seconds and the epochs or generations.</summary>
    private static (PosteriorSamples Samples, int Simulations, int Excluded, double Seconds, string Detail) Infer(
        BenchmarkTask task, string method, double[] x, int budget, int count, ulong seed, bool trace)
    {
        if (method.StartsWith("abc-smc", StringComparison.Ordinal))
        {
            var watch = Stopwatch.StartNew();
            // sbibm's SMC-ABC settings (the AbcSmcOptions defaults): population 100 at budgets up to 10⁴, ε from the 0.2
            // cumulative distance share, kernel 0.5 Σ_w, fill-up at budget exhaustion, draws from a cross-validated KDE
            // on the unweighted particles; abc-smc-weighted weights the KDE by the importance weights; abc-smc-particles
            // resamples the weighted particles.
            var smc = AbcSmc.Run(task.Prior, task.Simulator, x, budget, seed,
                new AbcSmcOptions { KernelDensityWeighted = method == "abc-smc-weighted", KernelDensitySampling = method != "abc-smc-particles" });
            var drawn = smc.Sample(task.Prior, count, seed + 2);
            var generations = trace
                ? " [" + string.Join("; ", smc.Generations.Select(g => string.Create(CultureInfo.InvariantCulture,
                    $"eps {g.Epsilon:G3} sims {g.Simulations} acc {g.AcceptanceRate:F3} ESS {g.EffectiveSampleSize:F0} filled {g.FilledFromPrevious}"))) + "]"
                : "";
            return (drawn, smc.Simulations, smc.ExcludedNonFinite, watch.Elapsed.TotalSeconds, string.Create(CultureInfo.InvariantCulture,
                $"{smc.Generations.Count} gen., N {smc.Count}, eps {smc.Epsilon:G3}, h {smc.KernelDensityBandwidth:G3}, KDE kept {drawn.Accepted}/{drawn.Proposed}{generations}"));
        }

        var estimator = method switch
        {
            "nsf" => DensityEstimator.NeuralSplineFlow,
            "maf" => DensityEstimator.MaskedAutoregressiveFlow,
            "mdn" => DensityEstimator.MixtureDensityNetwork,
            _ => new NpeOptions().Estimator, // npe: the default
        };
        var posterior = new Npe(task.Prior, task.Simulator, new NpeOptions { Estimator = estimator }).Train(budget, seed);
        var samples = posterior.Sample(x, count, seed + 1);
        var t = posterior.Training;
        return (samples, t.Simulations, t.ExcludedNonFinite, t.Elapsed.TotalSeconds, $"{t.Epochs} epochs");
    }

    /// <summary>Settings of the ensemble-sampler references: walkers per parameter, warm-up iterations, kept iterations
    /// per reference draw and walker, and the importance-resampling proposals drawn around the chain (0: the chain's
    /// draws are the reference).</summary>
    private sealed record ReferenceChains(int WalkersPerDimension, int WarmUp, int Thinning, int Proposals);

    private static (PosteriorSamples Samples, string Kind) Reference(BenchmarkTask task, double[] truth, double[] x, int count, ulong seed, int proposals, ReferenceChains chains)
    {
        if (task.HasAnalyticPosterior)
        {
            return (task.SampleReferencePosterior(x, count, seed + 7), "exact");
        }

        var d = task.Prior.Dimension;
        if (task.Name is "two_moons" or "slcp")
        {
            var (draws, effective) = ImportanceResample(task, x, count, seed, proposals);
            if (task.Name == "two_moons")
            {
                return (draws, string.Create(CultureInfo.InvariantCulture, $"importance resampling, ESS {effective:F0} of {proposals}"));
            }

            return FoldedSlcpReference(task, x, draws, count, seed, chains);
        }

        double LogTarget(ReadOnlySpan<double> theta)
        {
            var prior = task.Prior.LogDensity(theta);
            return double.IsFinite(prior) ? prior + task.LogLikelihood(theta, x) : double.NegativeInfinity;
        }

        var starts = Jittered(truth, chains.WalkersPerDimension * d, seed);
        return ChainReference(task, LogTarget, starts, count, seed, chains);
    }

    /// <summary>Sampling-importance-resampling from the prior: <paramref name="count"/> draws and the effective sample
    /// size of the proposals.</summary>
    private static (PosteriorSamples Draws, double EffectiveSize) ImportanceResample(BenchmarkTask task, double[] x, int count, ulong seed, int proposals)
    {
        var d = task.Prior.Dimension;
        var values = new double[proposals * d];
        var logWeights = new double[proposals];
        Parallel.For(0, proposals, i =>
        {
            var stream = RandomStream.For(seed, "reference.proposal", (ulong)i);
            task.Prior.Sample(ref stream, values.AsSpan(i * d, d));
            logWeights[i] = task.LogLikelihood(values.AsSpan(i * d, d), x);
        });
        return Resample(task, values, logWeights, count, seed);
    }

    /// <summary>Draws <paramref name="count"/> of the proposals in proportion to their weights; returns them and the
    /// effective sample size (Σw)²/Σw².</summary>
    private static (PosteriorSamples Draws, double EffectiveSize) Resample(BenchmarkTask task, double[] values, double[] logWeights, int count, ulong seed)
    {
        var d = task.Prior.Dimension;
        var proposals = logWeights.Length;
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

        return (new PosteriorSamples(task.Prior.Names, result, count, count), sum * sum / squares);
    }

    /// <summary>
    /// The ensemble sampler from <paramref name="starts"/>, then (with proposals) sampling-importance-resampling from a
    /// Student-t (ν = 5) with the chain's mean and twice its covariance. The chain need only locate the posterior: the
    /// resampled draws are exact up to importance-sampling error, however slowly the walkers mix (sir's observation 3 kept
    /// R̂ at 1.10 with 10⁴ or 4·10⁴ warm-up iterations, and 1.34 with 32 walkers per parameter).
    /// </summary>
    private static (PosteriorSamples Samples, string Kind) ChainReference(BenchmarkTask task, Func<ReadOnlySpan<double>, double> logTarget, double[][] starts, int count,
        ulong seed, ReferenceChains settings)
    {
        var (chain, rHat) = Mcmc(task, logTarget, starts, count, seed, settings);
        var chainKind = string.Create(CultureInfo.InvariantCulture, $"ensemble MCMC, max R-hat {rHat:F3}");
        if (settings.Proposals == 0)
        {
            return (chain, chainKind);
        }

        const double Nu = 5;
        var d = task.Prior.Dimension;
        // The chain's mean and unbiased covariance (equal weights), the latter doubled for the proposal.
        var equal = new double[chain.Count];
        Array.Fill(equal, 1.0 / chain.Count);
        var mean = AbcWeights.WeightedMean(chain.Values, equal, d);
        var covariance = AbcSmc.WeightedCovariance(chain.Values, equal, d);
        for (var i = 0; i < d; i++)
        {
            for (var j = 0; j < d; j++)
            {
                covariance[i, j] *= 2;
            }
        }

        var factor = LinearAlgebra.Cholesky(covariance)
            ?? throw new InvalidOperationException($"{task.Name}: the reference chain's covariance is not positive definite.");
        var proposals = settings.Proposals;
        var values = new double[proposals * d];
        var logWeights = new double[proposals];
        Parallel.For(0, proposals, p =>
        {
            var stream = RandomStream.For(seed, "reference.t-proposal", (ulong)p);
            Span<double> z = stackalloc double[d];
            var squared = 0.0;
            for (var i = 0; i < d; i++)
            {
                z[i] = stream.NextNormal();
                squared += z[i] * z[i];
            }

            var chiSquared = 0.0;
            for (var k = 0; k < Nu; k++)
            {
                var g = stream.NextNormal();
                chiSquared += g * g;
            }

            var scale = Math.Sqrt(Nu / chiSquared);
            var theta = values.AsSpan(p * d, d);
            for (var i = 0; i < d; i++)
            {
                var sum = 0.0;
                for (var j = 0; j <= i; j++)
                {
                    sum += factor[i, j] * z[j];
                }

                theta[i] = mean[i] + (scale * sum);
            }

            // ln q up to a constant: −(ν + d)/2 · ln(1 + δ/ν), with δ = (ν/χ²)|z|² the Mahalanobis distance.
            var logProposal = -0.5 * (Nu + d) * Math.Log(1 + (scale * scale * squared / Nu));
            logWeights[p] = logTarget(theta) - logProposal;
        });
        var (draws, effective) = Resample(task, values, logWeights, count, seed);
        return (draws, string.Create(CultureInfo.InvariantCulture, $"{chainKind}; resampled from a t fit, ESS {effective:F0} of {proposals}"));
    }

    /// <summary>
    /// slcp's posterior is symmetric under θ₃ → −θ₃ and θ₄ → −θ₄ (the simulator uses only their squares), so it has
    /// four mirror-image modes, and importance resampling from the prior can rest on a handful of draws. The reference
    /// is instead the ensemble sampler on the posterior folded into θ₃, θ₄ ≥ 0 (unimodal there), started around the
    /// best resampled draw, with the signs of θ₃ and θ₄ then drawn at random: exact for the symmetric posterior.
    /// </summary>
    private static (PosteriorSamples Samples, string Kind) FoldedSlcpReference(BenchmarkTask task, double[] x, PosteriorSamples located, int count, ulong seed, ReferenceChains chains)
    {
        var d = task.Prior.Dimension;
        double LogTarget(ReadOnlySpan<double> theta)
        {
            var prior = task.Prior.LogDensity(theta);
            return theta[2] >= 0 && theta[3] >= 0 && double.IsFinite(prior) ? prior + task.LogLikelihood(theta, x) : double.NegativeInfinity;
        }

        var best = Enumerable.Range(0, located.Count).Select(i => located.Row(i).ToArray()).MaxBy(theta => task.LogLikelihood(theta, x))!;
        best[2] = Math.Abs(best[2]);
        best[3] = Math.Abs(best[3]);
        // Folded into the orthant and kept inside the prior's box U(−3, 3).
        var starts = Jittered(best, chains.WalkersPerDimension * d, seed).Select(w => w.Select((v, k) => Math.Clamp(k is 2 or 3 ? Math.Abs(v) : v, -2.999, 2.999)).ToArray()).ToArray();
        var (samples, kind) = ChainReference(task, LogTarget, starts, count, seed, chains);
        var signs = RandomStream.For(seed, "reference.signs");
        var values = samples.Values.ToArray();
        for (var n = 0; n < count; n++)
        {
            for (var k = 2; k <= 3; k++)
            {
                if (signs.NextDouble() < 0.5)
                {
                    values[(n * d) + k] = -values[(n * d) + k];
                }
            }
        }

        return (new PosteriorSamples(task.Prior.Names, values, count, count),
            $"folded {kind}, random signs");
    }

    /// <summary>Walkers within 1 % of a point.</summary>
    private static double[][] Jittered(IReadOnlyList<double> centre, int walkers, ulong seed)
    {
        var jitter = RandomStream.For(seed, "reference.starts");
        return [.. Enumerable.Range(0, walkers).Select(_ => centre.Select(v => v * (1 + (0.01 * jitter.NextNormal()))).ToArray())];
    }

    /// <summary>The affine-invariant ensemble sampler, thinned to <paramref name="count"/> draws, and its largest R-hat.</summary>
    private static (PosteriorSamples Samples, double RHat) Mcmc(BenchmarkTask task, Func<ReadOnlySpan<double>, double> logTarget, double[][] starts, int count, ulong seed, ReferenceChains settings)
    {
        var d = task.Prior.Dimension;
        var iterations = Math.Max(count / starts.Length * settings.Thinning, 1000);
        var chains = EnsembleSampler.Sample(task.Prior.Names, (ReadOnlySpan<double> theta) => logTarget(theta), starts, warmUp: settings.WarmUp, iterations: iterations, seed: seed + 11);
        var pooled = chains.Pooled();
        var thin = pooled.Count / count;
        var thinned = new double[count * d];
        for (var n = 0; n < count; n++)
        {
            pooled.Values.AsSpan(n * thin * d, d).CopyTo(thinned.AsSpan(n * d, d));
        }

        return (new PosteriorSamples(task.Prior.Names, thinned, count, count), chains.RHat().Max());
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

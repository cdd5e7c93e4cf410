using System.Globalization;
using TwinLab.Core.Distributions;
using TwinLab.Core.Randomness;
using TwinLab.Inference.Diagnostics;
using TwinLab.Inference.Sbi;
using TwinLab.TestSupport;

namespace TwinLab.Inference.Tests;

public class CalibrationDiagnosticsTests
{
    // Conjugate normal model: θ ~ N(0, 1), x ~ N(θ, 0.5²): posterior N(0.8 x, 0.2) (sd 0.447).
    private static readonly ParameterPrior Prior = ParameterPrior.Independent(new JointPrior(("theta", new Normal(0, 1))));
    private static readonly Simulator Model = new(["x"], (ReadOnlySpan<double> t, Span<double> x, ref RandomStream s) => x[0] = t[0] + (0.5 * s.NextNormal()));

    private static PosteriorSampler Exact(double sdFactor) => (ReadOnlySpan<double> x, int n, ulong seed) =>
    {
        var stream = RandomStream.For(seed, "exact");
        var values = new double[n];
        for (var i = 0; i < n; i++)
        {
            values[i] = (0.8 * x[0]) + (sdFactor * Math.Sqrt(0.2) * stream.NextNormal());
        }

        return new PosteriorSamples(["theta"], values, n, n);
    };

    private static double ChiSquareQuantile(double p, int dof) => double.Parse(
        DebianPython.Run("import sys; from scipy.stats import chi2; print(repr(chi2.ppf(float(sys.argv[1]), int(sys.argv[2]))))", "",
            p.ToString("R", CultureInfo.InvariantCulture), dof.ToString(CultureInfo.InvariantCulture)).Trim(), CultureInfo.InvariantCulture);

    [Fact]
    public void Sbc_ranks_are_uniform_for_the_exact_posterior_and_not_for_an_overconfident_one()
    {
        // 1000 trials, 99 draws, 10 bins: under exact calibration the χ² statistic follows χ²(9); it stays below
        // SciPy's 0.999 quantile (a false alarm 1 time in 1000). A posterior half as wide piles ranks at both ends.
        var limit = ChiSquareQuantile(0.999, 9);
        var exact = PosteriorCalibration.Sbc(Prior, Model, Exact(1.0), 1000, 99, seed: 3);
        Assert.True(exact.ChiSquare[0] < limit, $"χ² {exact.ChiSquare[0]} ≥ {limit}");
        var narrow = PosteriorCalibration.Sbc(Prior, Model, Exact(0.5), 1000, 99, seed: 3);
        Assert.True(narrow.ChiSquare[0] > limit, $"χ² {narrow.ChiSquare[0]} ≤ {limit}");

        // Expected coverage of the central intervals equals the nominal level within 3 binomial sd (≤ 0.047 at 1000).
        for (var l = 0; l < exact.CredibleLevels.Count; l++)
        {
            Assert.InRange(exact.Coverage[0][l], exact.CredibleLevels[l] - 0.047, exact.CredibleLevels[l] + 0.047);
            Assert.True(narrow.Coverage[0][l] < narrow.CredibleLevels[l] - 0.1);
        }
    }

    [Fact]
    public void Tarp_is_near_the_diagonal_for_the_exact_posterior()
    {
        // For a calibrated posterior ECP(α) = α; with 500 trials the curve deviates by ≈ √(α(1−α)/500) ≤ 0.022, so
        // the area between curve and diagonal stays below 0.03; the overconfident posterior's is several times larger.
        var exact = PosteriorCalibration.Tarp(Prior, Model, Exact(1.0), 500, 200, seed: 5);
        var narrow = PosteriorCalibration.Tarp(Prior, Model, Exact(0.4), 500, 200, seed: 5);
        Assert.True(exact.AreaToDiagonal < 0.03, $"area {exact.AreaToDiagonal}");
        Assert.True(narrow.AreaToDiagonal > 0.06, $"area {narrow.AreaToDiagonal}");
    }

    [Fact]
    public void Plausibility_flags_posteriors_at_bounds_and_far_from_the_prior()
    {
        var prior = ParameterPrior.Independent(new JointPrior(("a", new Uniform(0, 1)), ("b", new Normal(0, 1))));
        var stream = RandomStream.For(1, "p");
        var values = new double[2000];
        for (var i = 0; i < 1000; i++)
        {
            values[2 * i] = 0.998 * stream.NextDouble() * 0.02 + 0.98; // all within the top 2 % of [0, 1]
            values[(2 * i) + 1] = 5 + (0.1 * stream.NextNormal());    // 5 prior sd from the prior mean
        }

        var flags = Plausibility.Check(prior, new PosteriorSamples(["a", "b"], values, 1000, 1000));
        Assert.Contains(flags, f => f.Parameter == "a" && f.Kind == "piled at upper bound");
        Assert.Contains(flags, f => f.Parameter == "b" && f.Kind == "far from prior");
        Assert.DoesNotContain(flags, f => f.Kind == "piled at lower bound");
    }
}

public class PosteriorPredictiveTests
{
    [Fact]
    public void P_values_are_central_for_a_fitting_model_and_extreme_for_a_misfit()
    {
        // x ~ N(θ, 1). Posterior draws around 0: an observation of 0 sits mid-distribution (p ≈ 0.5, here within
        // 0.05 for 4000 replicates: binomial sd 0.008), an observation of 6 lies beyond every replicate (p = 0).
        var simulator = new Simulator(["x"], (ReadOnlySpan<double> t, Span<double> x, ref RandomStream s) => x[0] = t[0] + s.NextNormal());
        var stream = RandomStream.For(1, "draws");
        var draws = Enumerable.Range(0, 4000).Select(_ => 0.1 * stream.NextNormal()).ToArray();
        var samples = new PosteriorSamples(["theta"], draws, 4000, 4000);
        Assert.InRange(PosteriorPredictive.Check(simulator, samples, [0.0], seed: 2).PValues[0], 0.45, 0.55);
        Assert.Equal(0.0, PosteriorPredictive.Check(simulator, samples, [6.0], seed: 2).PValues[0]);
    }
}

using Xunit.Abstractions;
using System.Globalization;
using System.Text.Json;
using TwinLab.Core.Randomness;
using TwinLab.TestSupport;
using TwinLab.Twins.Trials;

namespace TwinLab.Twins.Tests;

public sealed class TrialTests(ITestOutputHelper output)
{
    [Fact]
    public void Sample_sizes_follow_the_Guenther_Schouten_formula()
    {
        // Hand computation with z₀.₉₇₅ = 1.959964, z₀.₈ = 0.841621, (z₀.₉₇₅ + z₀.₈)² = 7.848880:
        // Δ = 0.5, σ = 1, k = 1: 2 · 7.848880 / 0.25 + 1.959964² / 4 = 62.7910 + 0.9604 = 63.7514 → 64 per arm.
        var plain = SampleSize.TwoArmContinuous(0.5, 1);
        Assert.Equal(63.7514, plain.ExactControl, 1e-4);
        Assert.Equal((64, 64, 128), (plain.Control, plain.Treatment, plain.Total));
        // PROCOVA with ρ = 0.6: σ²(1 − 0.36): 2 · 7.848880 · 0.64 / 0.25 + 0.9604 = 40.1863 + 0.9604 = 41.1466 → 42.
        var procova = SampleSize.TwoArmContinuous(0.5, 1, prognosticCorrelation: 0.6);
        Assert.Equal(41.1466, procova.ExactControl, 1e-4);
        Assert.Equal(42, procova.Control);
        Assert.Equal(0.64, procova.VarianceFactor, 1e-15);
        // k = 2: 1.5 · 7.848880 / 0.25 + (1 + 8) · 3.841459 / (2 · 2 · 9) = 47.0933 + 0.9604 = 48.0536 → 49 and 98.
        var unequal = SampleSize.TwoArmContinuous(0.5, 1, ratio: 2);
        Assert.Equal(48.0536, unequal.ExactControl, 1e-4);
        Assert.Equal((49, 98), (unequal.Control, unequal.Treatment));
        Assert.Throws<ArgumentException>(() => SampleSize.TwoArmContinuous(0, 1));
        Assert.Throws<ArgumentException>(() => SampleSize.TwoArmContinuous(0.5, 1, prognosticCorrelation: 1));
    }

    [Fact]
    public void Guenther_sizes_reach_the_power_of_the_exact_t_test()
    {
        // SciPy's non-central t gives the exact power of the two-sample t-test: the formula's sizes reach 80 %, and
        // one subject fewer per arm (equal allocation) does not.
        const string script = """
import json, sys, numpy as np
from scipy import stats
def power(n1, n2, d):
    df = n1 + n2 - 2; nc = d / np.sqrt(1 / n1 + 1 / n2); t = stats.t.ppf(0.975, df)
    return stats.nct.sf(t, df, nc) + stats.nct.cdf(-t, df, nc)
print(json.dumps([power(n1, n2, d) for n1, n2, d in json.load(sys.stdin)]))
""";
        var cases = new List<double[]>();
        foreach (var d in new[] { 0.3, 0.5, 0.8 })
        {
            var s = SampleSize.TwoArmContinuous(d, 1);
            cases.Add([s.Control, s.Treatment, d]);
            cases.Add([s.Control - 1, s.Treatment - 1, d]);
        }
        var power = JsonSerializer.Deserialize<double[]>(DebianPython.Run(script, JsonSerializer.Serialize(cases)))!;
        for (var k = 0; k < power.Length; k += 2)
        {
            Assert.True(power[k] >= 0.8, string.Create(CultureInfo.InvariantCulture, $"{cases[k][0]} per arm: power {power[k]}"));
            Assert.True(power[k + 1] < 0.8, string.Create(CultureInfo.InvariantCulture, $"{cases[k + 1][0]} per arm: power {power[k + 1]}"));
        }
    }

    [Fact]
    public void Ancova_matches_numpy_least_squares_and_scipy_t()
    {
        var s = RandomStream.For(3, "test.ancova");
        const int n = 60;
        var treated = Enumerable.Range(0, n).Select(i => i % 3 == 0).ToArray();
        var score = Enumerable.Range(0, n).Select(_ => s.NextNormal()).ToArray();
        var age = Enumerable.Range(0, n).Select(_ => 50 + (10 * s.NextNormal())).ToArray();
        var y = Enumerable.Range(0, n).Select(i => 1 + (0.4 * (treated[i] ? 1 : 0)) + (0.8 * score[i]) + (0.01 * age[i]) + (0.5 * s.NextNormal())).ToArray();
        const string script = """
import json, sys, numpy as np
from scipy import stats
d = json.load(sys.stdin)
y = np.array(d["y"]); X = np.column_stack([np.ones(len(y)), np.array(d["t"], float)] + [np.array(c) for c in d["c"]])
beta = np.linalg.lstsq(X, y, rcond=None)[0]
r = y - X @ beta; df = len(y) - X.shape[1]; s2 = r @ r / df
se = np.sqrt(s2 * np.linalg.inv(X.T @ X)[1, 1]); t = beta[1] / se
print(json.dumps({"beta": beta.tolist(), "se": se, "p": 2 * stats.t.sf(abs(t), df), "s2": s2}))
""";
        foreach (var covariates in new[] { Array.Empty<double[]>(), [score], [score, age] })
        {
            var expected = JsonSerializer.Deserialize<JsonElement>(DebianPython.Run(script, JsonSerializer.Serialize(new { y, t = treated, c = covariates })));
            var fit = Ancova.Fit(y, treated, covariates);
            var beta = expected.GetProperty("beta").EnumerateArray().Select(e => e.GetDouble()).ToArray();
            // Two least-squares solvers (QR here, SVD in NumPy) on a well-conditioned design: 1e-10.
            for (var k = 0; k < beta.Length; k++)
            {
                Assert.Equal(beta[k], fit.Coefficients[k], 1e-10);
            }
            Assert.Equal(expected.GetProperty("se").GetDouble(), fit.StandardError, 1e-10);
            Assert.Equal(expected.GetProperty("s2").GetDouble(), fit.ResidualVariance, 1e-10);
            // Student's t tail by MathNet against SciPy: relative 1e-8.
            var p = expected.GetProperty("p").GetDouble();
            Assert.Equal(p, fit.PValue, p * 1e-8);
        }
        Assert.Throws<ArgumentException>(() => Ancova.Fit(y, treated, [.. Enumerable.Repeat(1.0, n)]));
    }

    /// <summary>X₁, X₂ ~ N(0, 1); control outcome 0.5 X₁ + 0.5 X₂ + N(0, 0.5): σ = 1 and the best linear prognostic
    /// score has ρ² = 0.5. Treatment adds Δ. Subgroup "A" when X₁ &gt; 0.</summary>
    private static SubjectGenerator Population(double effect) => (ref RandomStream s) =>
    {
        var x1 = s.NextNormal();
        var x2 = s.NextNormal();
        var y0 = (0.5 * x1) + (0.5 * x2) + (Math.Sqrt(0.5) * s.NextNormal());
        return new TrialSubject([x1, x2], y0, y0 + effect, x1 > 0 ? "A" : "B");
    };

    [Fact]
    public void Procova_keeps_the_type_I_error_and_reaches_the_planned_power()
    {
        var prognostic = PrognosticModel.Train(InSilicoTrial.Draw(Population(0), 2000, seed: 1));
        const double effect = 0.4;
        var sizes = SampleSize.TwoArmContinuous(effect, 1, prognosticCorrelation: Math.Sqrt(0.5));
        var design = new TrialDesign(sizes.Control, sizes.Treatment);
        const int trials = 2000;
        var nullResult = InSilicoTrial.Simulate(Population(0), design, prognostic, trials, seed: 2);
        // Type-I error: 0.05 inside the exact 95 % interval of the simulated rate, for both analyses.
        Assert.InRange(0.05, nullResult.AdjustedInterval.Lower, nullResult.AdjustedInterval.Upper);
        Assert.InRange(0.05, nullResult.UnadjustedInterval.Lower, nullResult.UnadjustedInterval.Upper);
        var alternative = InSilicoTrial.Simulate(Population(effect), design, prognostic, trials, seed: 3);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"n {sizes.Control}+{sizes.Treatment}; type I adjusted {nullResult.AdjustedRejectionRate}, unadjusted {nullResult.UnadjustedRejectionRate}; power adjusted {alternative.AdjustedRejectionRate}, unadjusted {alternative.UnadjustedRejectionRate}"));
        // Power: the planned 80 % (a little more from rounding up) inside the simulated rate's 95 % interval widened
        // by 0.02 for the approximation of the formula (it ignores the estimated prognostic coefficients).
        Assert.InRange(0.8, alternative.AdjustedInterval.Lower - 0.02, alternative.AdjustedInterval.Upper + 0.02);
        // Without adjustment the same trial is under-powered: the variance is twice as large.
        Assert.True(alternative.UnadjustedRejectionRate < alternative.AdjustedRejectionRate - 0.15);
        // Both estimators are unbiased: mean estimate within 4 standard errors (sd ≈ sqrt(2/n)) of Δ.
        var se = Math.Sqrt((1.0 / sizes.Control) + (1.0 / sizes.Treatment)) / Math.Sqrt(trials);
        Assert.InRange(alternative.MeanAdjustedEstimate, effect - (4 * se), effect + (4 * se));
        Assert.InRange(alternative.MeanUnadjustedEstimate, effect - (4 * se * Math.Sqrt(2)), effect + (4 * se * Math.Sqrt(2)));
    }

    [Fact]
    public void Eligibility_exclusions_are_counted_by_subgroup_and_results_do_not_depend_on_threads()
    {
        var design = new TrialDesign(20, 20, Eligibility: s => s.Covariates[0] > -0.5);
        var one = InSilicoTrial.Simulate(Population(0.3), design, null, 50, seed: 8, threads: 1);
        var three = InSilicoTrial.Simulate(Population(0.3), design, null, 50, seed: 8, threads: 3);
        Assert.Equal(one.MeanUnadjustedEstimate, three.MeanUnadjustedEstimate);
        Assert.Equal(one.ExcludedBySubgroup, three.ExcludedBySubgroup);
        // Only subgroup B (X₁ ≤ 0) can fail X₁ > −0.5; P(X₁ ≤ −0.5 | X₁ ≤ 0) = 2 Φ(−0.5) ≈ 0.617.
        Assert.False(one.ExcludedBySubgroup.ContainsKey("A"));
        var share = (double)one.ExcludedBySubgroup["B"] / one.ScreenedBySubgroup["B"];
        var se = Math.Sqrt(0.617 * 0.383 / one.ScreenedBySubgroup["B"]);
        Assert.InRange(share, 0.617 - (4 * se), 0.617 + (4 * se));
        Assert.True(double.IsNaN(one.AdjustedRejectionRate));
    }
}

public sealed class ExternalControlTests
{
    private static SubjectGenerator Population(double shift) => (ref RandomStream s) =>
    {
        var y0 = shift + s.NextNormal();
        return new TrialSubject([], y0, y0);
    };

    [Fact]
    public void A_biased_synthetic_arm_inflates_the_type_I_error_as_predicted_and_the_discount_bounds_it()
    {
        // 40 + 40 concurrent subjects, 200 synthetic controls from a model that over-predicts the control mean by
        // 0.3 σ. Full borrowing (a₀ = 1): w = 200/240, se = sqrt(1/40 + 1/240) = 0.1708, shift = 0.8333·0.3/0.1708
        // = 1.464: type-I error Φ(−1.96 − 1.464) + Φ(−1.96 + 1.464) ≈ 0.310.
        var full = ExternalControl.TypeIError(40, 40, 200, 1, 0.3, 1);
        Assert.Equal(0.310, full, 1e-3);
        var simulated = ExternalControl.Simulate(Population(0), Population(0.3), 40, 40, 200, 1, 2000, seed: 5, assumedBias: 0.3);
        // The simulation agrees with the normal approximation within its exact 95 % interval widened by 0.02 (σ is
        // estimated from 78 degrees of freedom in the simulated test).
        Assert.InRange(full, simulated.Interval.Lower - 0.02, simulated.Interval.Upper + 0.02);
        // Bias of the estimate: −w b = −0.25, within 4 standard errors (se/sqrt(trials)).
        Assert.InRange(simulated.MeanEstimate, -0.25 - (4 * 0.1708 / Math.Sqrt(2000)), -0.25 + (4 * 0.1708 / Math.Sqrt(2000)));
        // No borrowing keeps the nominal level.
        var none = ExternalControl.Simulate(Population(0), Population(0.3), 40, 40, 200, 0, 2000, seed: 6);
        Assert.InRange(0.05, none.Interval.Lower, none.Interval.Upper + 0.01);
        // The largest discount keeping the type-I error at 0.075 for that bias, and the error there.
        var a0 = ExternalControl.MaximumDiscount(40, 40, 200, 0.3, 1, 0.075);
        Assert.InRange(a0, 0.0, 1.0);
        Assert.Equal(0.075, ExternalControl.TypeIError(40, 40, 200, a0, 0.3, 1), 1e-5);
        Assert.True(ExternalControl.TypeIError(40, 40, 200, a0 + 0.01, 0.3, 1) > 0.075);
    }
}

using System.Text.Json;
using TwinLab.Core.Distributions;
using TwinLab.Core.Modelling;
using TwinLab.Core.Randomness;
using TwinLab.TestSupport;
using TwinLab.Twins.Monitoring;
using TwinLab.Twins.Validation;

namespace TwinLab.Twins.Tests;

public sealed class MonitoringTests
{
    private static double[] Sample(ulong seed, int n, double mean, double sd, bool rounded = false)
    {
        var s = RandomStream.For(seed, "test.drift");
        return [.. Enumerable.Range(0, n).Select(_ => rounded ? Math.Round(mean + (sd * s.NextNormal())) : mean + (sd * s.NextNormal()))];
    }

    [Fact]
    public void Drift_statistics_match_scipy_and_a_numpy_psi()
    {
        const string script = """
import json, sys, numpy as np
from scipy import stats
out = []
for a, b in json.load(sys.stdin):
    a, b = np.array(a), np.array(b)
    cuts = np.quantile(a, np.arange(1, 10) / 10)
    p = np.bincount(np.digitize(a, cuts, right=True), minlength=10) / len(a)
    q = np.bincount(np.digitize(b, cuts, right=True), minlength=10) / len(b)
    p, q = np.maximum(p, 1e-4), np.maximum(q, 1e-4)
    out.append([float(np.sum((q - p) * np.log(q / p))), float(stats.ks_2samp(a, b).statistic), float(stats.wasserstein_distance(a, b))])
print(json.dumps(out))
""";
        var cases = new[]
        {
            (Sample(1, 500, 0, 1), Sample(2, 300, 0, 1)),
            (Sample(3, 400, 0, 1), Sample(4, 250, 0.7, 1.5)),
            (Sample(5, 200, 10, 3, rounded: true), Sample(6, 150, 11, 3, rounded: true)),   // ties
        };
        var expected = JsonSerializer.Deserialize<double[][]>(DebianPython.Run(script, JsonSerializer.Serialize(cases.Select(c => new[] { c.Item1, c.Item2 }))))!;
        for (var k = 0; k < cases.Length; k++)
        {
            var (a, b) = cases[k];
            // Sums of a few hundred terms in a different order: agreement to 1e-12.
            Assert.Equal(expected[k][0], DriftStatistics.PopulationStabilityIndex(a, b), 1e-12);
            Assert.Equal(expected[k][1], DriftStatistics.KolmogorovSmirnov(a, b), 1e-12);
            Assert.Equal(expected[k][2], DriftStatistics.Wasserstein(a, b), 1e-12);
        }
        var (_, none) = DriftStatistics.Check("tumour size", cases[0].Item1, cases[0].Item2);
        Assert.Null(none);
        var (report, trigger) = DriftStatistics.Check("tumour size", cases[1].Item1, cases[1].Item2);
        Assert.NotNull(trigger);
        Assert.Equal(TriggerKind.DataDrift, trigger.Kind);
        Assert.Equal(report.PopulationStability, trigger.Evidence["psi"]);
    }

    [Fact]
    public void Ensemble_crps_matches_a_hand_case_and_the_normal_closed_form()
    {
        // {1, 2, 4} against 3: mean |x − y| = 4/3, half the mean pairwise distance = ½ · 12/9: CRPS = 2/3.
        Assert.Equal(2.0 / 3.0, ForecastSkill.Crps([1, 2, 4], 3), 1e-15);
        // Weighted: a point mass at 2 (weight 1) against 3 is |2 − 3| = 1.
        Assert.Equal(1.0, ForecastSkill.Crps([2, 5], 3, [1, 0]), 1e-15);
        // A normal ensemble at the quantiles (i − ½)/n tends to the closed form; its CDF differs from Φ by at most
        // 1/(2n), which moves the CRPS by O(1/n): at n = 20 000, 1e-4 is ample.
        const int n = 20_000;
        var normal = new Normal(1.5, 2);
        var members = Enumerable.Range(0, n).Select(i => normal.Quantile((i + 0.5) / n)).ToArray();
        foreach (var y in new[] { -3.0, 0.0, 1.5, 4.2 })
        {
            Assert.Equal(ForecastSkill.CrpsNormal(1.5, 2, y), ForecastSkill.Crps(members, y), 1e-4);
        }
        // The closed form itself against numerical integration of (F(x) − 1{x ≥ y})² by SciPy.
        const string script = """
import sys
from scipy import stats, integrate
mu, s, y = 1.5, 2.0, 4.2
a = integrate.quad(lambda x: stats.norm.cdf(x, mu, s) ** 2, -60, y, epsabs=1e-13, epsrel=1e-13)[0]
b = integrate.quad(lambda x: (1 - stats.norm.cdf(x, mu, s)) ** 2, y, 60, epsabs=1e-13, epsrel=1e-13)[0]
print(repr(a + b))
""";
        var integral = double.Parse(DebianPython.Run(script).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(integral, ForecastSkill.CrpsNormal(1.5, 2, 4.2), 1e-10);
    }

    [Fact]
    public void Skill_report_counts_coverage_direction_and_error()
    {
        // Patient 1: members 1..9 (median 5), baseline 4, outcome 6: covered, direction right, |5 − 6| = 1.
        // Patient 2: members 1..9, baseline 6, outcome 20: not covered, direction wrong (median 5 < 6 < 20), error 15.
        var members = Enumerable.Range(1, 9).Select(i => (double)i).ToArray();
        var report = ForecastSkill.Evaluate([members, members], [4, 6], [6, 20], level: 0.8);
        Assert.Equal(0.5, report.Coverage);
        Assert.Equal(0.5, report.DirectionAccuracy);
        Assert.Equal(8.0, report.MeanAbsoluteError);
        Assert.Equal((ForecastSkill.Crps(members, 6) + ForecastSkill.Crps(members, 20)) / 2, report.MeanCrps, 1e-15);
    }

    [Fact]
    public void Brier_score_and_reliability_bins_by_hand()
    {
        // (0.9 − 1)² + (0.2 − 0)² + (0.7 − 0)² + (0.15 − 1)² = 0.01 + 0.04 + 0.49 + 0.7225 = 1.2625; / 4 = 0.315625.
        double[] p = [0.9, 0.2, 0.7, 0.15];
        bool[] o = [true, false, false, true];
        Assert.Equal(0.315625, ForecastSkill.BrierScore(p, o), 1e-15);
        var bins = ForecastSkill.Reliability(p, o, bins: 2);
        Assert.Equal((2, 0.175, 0.5), (bins[0].Count, bins[0].MeanProbability, bins[0].ObservedFrequency));
        Assert.Equal((2, 0.8, 0.5), (bins[1].Count, bins[1].MeanProbability, bins[1].ObservedFrequency));
        Assert.Equal(1, ForecastSkill.Reliability([1.0], [true], 4)[3].Count);   // p = 1 goes to the last bin
        Assert.Throws<ArgumentException>(() => ForecastSkill.BrierScore([1.2], [true]));
    }

    private static Twin GrowthTwin(AssimilationMethod method)
    {
        var m = new ModelBuilder("exponential");
        var g = m.Parameter("g", 0, bounds: (-0.01, 0.01));
        var x = m.State("x", 100);
        m.Rate(x, g * x);
        return Twin.FromPrior(m.Build(), new JointPrior(("g", new Normal(0, 0.005))), 2000, new TwinOptions
        {
            Method = method,
            Seed = 2,
            Noise = new Dictionary<string, GaussianNoise> { ["x"] = new(0.02, NoiseScale.Logarithmic) },
        });
    }

    [Theory]
    [InlineData(AssimilationMethod.EnsembleKalmanFilter)]
    [InlineData(AssimilationMethod.ParticleFilter)]
    public void Surprising_measurements_fire_coverage_and_range_triggers_with_evidence(AssimilationMethod method)
    {
        var twin = GrowthTwin(method).Assimilate(new Observation(10, "x", 101));
        Assert.Empty(twin.Triggers);
        // x = 100 e^{0.05 · 20} ≈ 272 is far beyond the prior (g within ±0.015 at 3 sd gives x ≤ 135).
        twin = twin.Assimilate(new Observation(20, "x", 272));
        var coverage = Assert.Single(twin.Triggers, t => t.Kind == TriggerKind.ObservationOutsideForecast);
        Assert.True(coverage.Evidence["pit"] > 0.975);
        Assert.True(coverage.Evidence["upper"] < 272);
        var range = Assert.Single(twin.Triggers, t => t.Kind == TriggerKind.ParameterOutOfRange);
        Assert.True(range.Evidence["shareOutside"] > 0.05);
        Assert.Contains("low-confidence", range.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_recalibration_that_overruns_the_decision_window_invalidates_the_context()
    {
        var twin = GrowthTwin(AssimilationMethod.ParticleFilter);
        Assert.Same(twin, twin.RecordRecalibration("dose adjustment", TimeSpan.FromMinutes(5), TimeSpan.FromHours(1)));
        var late = twin.RecordRecalibration("dose adjustment", TimeSpan.FromHours(2), TimeSpan.FromHours(1));
        Assert.Equal(["dose adjustment"], late.InvalidContexts);
        Assert.Equal(TriggerKind.Timeliness, Assert.Single(late.Triggers).Kind);
        Assert.Equal(7200, late.Triggers[0].Evidence["recalibrationSeconds"]);
    }
}

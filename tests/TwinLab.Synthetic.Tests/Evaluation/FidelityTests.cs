using TwinLab.Core.Randomness;
using TwinLab.Synthetic.Evaluation;

namespace TwinLab.Synthetic.Tests.Evaluation;

public class FidelityTests
{
    [Fact]
    public void KS_statistic_and_correlations_match_scipy_including_ties()
    {
        var s = RandomStream.For(3, "fidelity-scipy");
        // Rounded values create ties, which is where implementations of KS and Spearman differ.
        var a = Enumerable.Range(0, 300).Select(_ => Math.Round(s.NextNormal() * 3) / 3).ToArray();
        var b = Enumerable.Range(0, 250).Select(_ => Math.Round((s.NextNormal() * 1.2 + 0.3) * 3) / 3).ToArray();
        var c = a.Select(v => Math.Round(0.5 * v + s.NextNormal(), 1)).ToArray();
        var r = TestTables.Python("""
from scipy import stats
a, b, c = (np.array(inp[k]) for k in "abc")
print(json.dumps({"ks": stats.ks_2samp(a, b).statistic, "pearson": stats.pearsonr(a, c)[0], "spearman": stats.spearmanr(a, c)[0]}))
""", new { a, b, c });
        // The KS statistic is a ratio of counts: exact up to rounding of the division (1e-12).
        Assert.Equal(r.GetProperty("ks").GetDouble(), 1 - KSComplement.Score(a, b), 12);
        var ta = TabularColumn.Numeric("a", a);
        var tc = TabularColumn.Numeric("c", c);
        // Correlations are sums of a few hundred terms: agreement to 1e-12 allows for summation order.
        Assert.Equal(r.GetProperty("pearson").GetDouble(), CorrelationSimilarity.Correlation(ta, tc, CorrelationCoefficient.Pearson, out _), 12);
        Assert.Equal(r.GetProperty("spearman").GetDouble(), CorrelationSimilarity.Correlation(ta, tc, CorrelationCoefficient.Spearman, out _), 12);
    }

    [Fact]
    public void TVComplement_and_ContingencySimilarity_match_hand_computed_values()
    {
        // Real: A A B C (0.5, 0.25, 0.25); synthetic: A B B D (0.25, 0.5, 0, 0.25).
        // TVD = ½(|0.5−0.25| + |0.25−0.5| + |0.25−0| + |0−0.25|) = 0.5.
        Assert.Equal(0.5, TVComplement.Score(["A", "A", "B", "C"], ["A", "B", "B", "D"]), 15);
        // Missing labels are excluded: real A A B C plus a missing label gives the same frequencies.
        var real = new TabularData([TabularColumn.Categorical("g", ["A", "A", "B", "C", null]), TabularColumn.Categorical("h", ["u", "v", "u", "u", "v"])]);
        var syn = new TabularData([TabularColumn.Categorical("g", ["A", "B", "B", "D"]), TabularColumn.Categorical("h", ["u", "u", "u", "u"])]);
        var tv = new TVComplement("g").Evaluate(new EvaluationData(real, syn)).Single();
        Assert.Equal(0.5, tv.Value, 15);
        Assert.Equal(1, tv.ExcludedRows);
        // Joint real (rows with both present): (A,u) (A,v) (B,u) (C,u), each ¼; synthetic (A,u) ¼, (B,u) ½, (D,u) ¼.
        // TVD = ½(0 + ¼ + ¼ + ¼ + ¼) = ½.
        var cs = new ContingencySimilarity().Evaluate(new EvaluationData(real, syn)).Single();
        Assert.Equal("g|h", cs.Column);
        Assert.Equal(0.5, cs.Value, 15);
        Assert.Equal(1, cs.ExcludedRows);
    }

    [Fact]
    public void Numeric_members_of_a_contingency_pair_are_binned_on_the_real_range_without_clamping()
    {
        var real = new TabularData([TabularColumn.Numeric("x", [0, 10, 5, 5]), TabularColumn.Categorical("g", ["a", "a", "b", "b"])]);
        var same = new TabularData([TabularColumn.Numeric("x", [0, 10, 5, 5]), TabularColumn.Categorical("g", ["a", "a", "b", "b"])]);
        Assert.Equal(1.0, new ContingencySimilarity().Evaluate(new EvaluationData(real, same)).Single().Value, 15);
        // Synthetic x = 11 lies above the real range: it goes to its own bin, so those rows cannot match real rows.
        var beyond = new TabularData([TabularColumn.Numeric("x", [0, 11, 5, 5]), TabularColumn.Categorical("g", ["a", "a", "b", "b"])]);
        Assert.Equal(0.75, new ContingencySimilarity().Evaluate(new EvaluationData(real, beyond)).Single().Value, 15);
    }

    [Fact]
    public void An_independent_sample_scores_high_and_a_shifted_sample_scores_low()
    {
        var real = TestTables.Mixed(2000, 1);
        var same = TestTables.Mixed(2000, 2);
        var shifted = TestTables.Mixed(2000, 2, shift: 1.0);
        var good = QualityReport.Evaluate(new EvaluationData(real, same), new QualityReportOptions { Seed = 5, AlphaPrecision = false, MaximumMeanDiscrepancy = false });
        var bad = QualityReport.Evaluate(new EvaluationData(real, shifted), new QualityReportOptions { Seed = 5, AlphaPrecision = false, MaximumMeanDiscrepancy = false });
        // Two samples of 2000 from one distribution: the KS statistic is below 1.36·√(2/2000) ≈ 0.043 with 95%
        // probability, so KSComplement > 0.95; a shift of one standard deviation gives D ≈ 0.38.
        Assert.All(good.Find("KSComplement"), s => Assert.True(s.Value > 0.95, s.ToString()));
        Assert.True(bad.Find("KSComplement", "x0").Single().Value < 0.7);
        Assert.True(good.OverallFidelity > 0.95, good.ToString());
        Assert.True(bad.OverallFidelity < good.OverallFidelity - 0.05, bad.ToString());
        // Detection: a classifier cannot separate the independent sample (AUC near 0.5) but separates the shifted one.
        Assert.True(good.Find("LogisticDetection").Single().Value > 0.85, good.Find("LogisticDetection").Single().ToString());
        Assert.True(bad.Find("LogisticDetection").Single().Value < 0.5, bad.Find("LogisticDetection").Single().ToString());
    }

    [Fact]
    public void Trajectory_fidelity_is_one_for_identical_data_and_detects_a_changed_slope_and_autocorrelation()
    {
        static TabularData Long(ulong seed, double slope, double persistence)
        {
            var s = RandomStream.For(seed, "trajectories");
            var subject = new List<string?>();
            var visit = new List<double>();
            var value = new List<double>();
            for (var i = 0; i < 400; i++)
            {
                var level = s.NextNormal();
                var noise = 0.0;
                for (var t = 0; t < 5; t++)
                {
                    noise = persistence * noise + s.NextNormal() * 0.5;
                    subject.Add("s" + i);
                    visit.Add(t);
                    value.Add(level + slope * t + noise);
                }
            }
            return new TabularData([TabularColumn.Categorical("subject", subject), TabularColumn.Numeric("visit", visit), TabularColumn.Numeric("y", value)]);
        }
        var real = Long(1, 0.5, 0.5);
        var metric = new TrajectoryFidelity("subject", "visit", "y");
        Assert.All(metric.Evaluate(new EvaluationData(real, real)), s => Assert.Equal(1.0, s.Value, 12));
        var similar = metric.Evaluate(new EvaluationData(real, Long(2, 0.5, 0.5)));
        var steeper = metric.Evaluate(new EvaluationData(real, Long(2, 1.5, 0.5)));
        var change = (IReadOnlyList<MetricScore> r) => r.Single(s => s.Metric == "Trajectory.ChangeKSComplement").Value;
        Assert.True(change(similar) > 0.9);
        Assert.True(change(steeper) < 0.7);
        Assert.True(similar.Single(s => s.Metric == "Trajectory.PerVisitKSComplement").Value > steeper.Single(s => s.Metric == "Trajectory.PerVisitKSComplement").Value);
        // Less persistent noise lowers the lag-1 autocorrelation of the deviations around each subject's line.
        var lag = (IReadOnlyList<MetricScore> r) => r.Single(s => s.Metric == "Trajectory.Lag1Similarity").Value;
        Assert.True(lag(similar) > lag(metric.Evaluate(new EvaluationData(real, Long(2, 0.5, -0.5)))));
        var report = QualityReport.Evaluate(new EvaluationData(real, Long(2, 0.5, 0.5)), new QualityReportOptions
        {
            SubjectColumn = "subject", VisitColumn = "visit", TrajectoryColumns = ["y"], Detection = false, AlphaPrecision = false, MaximumMeanDiscrepancy = false,
        });
        Assert.Equal(change(similar), report.Find("Trajectory.ChangeKSComplement", "y").Single().Value);
    }
}

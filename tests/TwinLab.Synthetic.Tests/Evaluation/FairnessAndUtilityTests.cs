using System.Text.Json;
using TwinLab.Synthetic.Evaluation;

namespace TwinLab.Synthetic.Tests.Evaluation;

public class FairnessAndUtilityTests
{
    [Fact]
    public void Demographic_parity_and_equalised_odds_differences_follow_the_Fairlearn_definitions()
    {
        // Group a: truth 1 1 0 0, predicted 1 0 1 0 → selection 0.5, TPR 0.5, FPR 0.5.
        // Group b: truth 1 1 0 0 0, predicted 1 1 0 0 1 → selection 0.6, TPR 1.0, FPR 1/3.
        bool[] truth = [true, true, false, false, true, true, false, false, false];
        bool[] predicted = [true, false, true, false, true, true, false, false, true];
        string?[] groups = ["a", "a", "a", "a", "b", "b", "b", "b", "b"];
        Assert.Equal(0.1, FairnessMetrics.DemographicParityDifference(predicted, groups), 15);
        // max(|1.0 − 0.5|, |1/3 − 0.5|) = 0.5.
        Assert.Equal(0.5, FairnessMetrics.EqualizedOddsDifference(truth, predicted, groups), 15);
    }

    [Fact]
    public void Utility_is_close_to_real_for_an_independent_sample_and_lost_when_the_outcome_is_scrambled()
    {
        var real = TestTables.Mixed(1500, 1);
        var holdout = TestTables.Mixed(1500, 2);
        var good = TestTables.Mixed(1500, 3);
        var labels = good["outcome"].Labels.ToArray();
        var scrambled = new TabularData(good.Columns.Where(c => c.Name != "outcome")
            .Append(TabularColumn.Categorical("outcome", labels.Select((_, i) => labels[(i * 7 + 3) % labels.Length]))));
        var metric = new UtilityMetrics("outcome", seed: 4) { SubgroupColumn = "sex", BootstrapReplicates = 100 };
        var ok = metric.Evaluate(new EvaluationData(real, good, holdout));
        var broken = metric.Evaluate(new EvaluationData(real, scrambled, holdout));
        MetricScore Get(IReadOnlyList<MetricScore> s, string m) => s.Single(x => x.Metric == m && x.Subgroup is null);
        var trtr = Get(ok, "TRTR.AUC");
        // The outcome depends strongly on x0 and x1: AUC well above 0.5 when trained on real data.
        Assert.True(trtr.Value > 0.75, trtr.ToString());
        Assert.True(trtr.Lower < trtr.Value && trtr.Value < trtr.Upper);
        // The bootstrap sd of the AUC gap for 1500 holdout rows is about 0.01; 0.04 is four of them.
        Assert.True(Math.Abs(Get(ok, "UtilityGap.AUC").Value) < 0.04, Get(ok, "UtilityGap.AUC").ToString());
        Assert.InRange(Get(broken, "TSTR.AUC").Value, 0.4, 0.6);
        Assert.True(Get(broken, "UtilityGap.AUC").Lower > 0.1);
        // Subgroup figures and the fairness differences are present and within range.
        Assert.Equal(2, ok.Count(s => s.Metric == "TSTR.AUC" && s.Subgroup is not null && s.Subgroup.StartsWith("sex=", StringComparison.Ordinal)));
        Assert.Contains(ok, s => s.Metric == "TSTR.AUC.WorstGroup");
        Assert.Contains(ok, s => s.Metric == "TSTR.AUC.SubgroupGap");
        Assert.InRange(ok.Single(s => s.Metric == "TSTR.DemographicParityDifference").Value, 0, 1);
        Assert.InRange(ok.Single(s => s.Metric == "TRTR.EqualizedOddsDifference").Value, 0, 1);

        var allNo = new TabularData(good.Columns.Where(c => c.Name != "outcome").Append(TabularColumn.Categorical("outcome", labels.Select(_ => "no"))));
        var oneClass = Assert.Throws<ArgumentException>(() => metric.Evaluate(new EvaluationData(real, allNo, holdout)));
        Assert.Contains("synthetic table has only one class", oneClass.Message, StringComparison.Ordinal);

        var regression = new UtilityMetrics("x1", LearnerKind.GradientBoostedTrees, seed: 4) { BootstrapReplicates = 20, Boosting = new BoostingOptions(Trees: 30) }
            .Evaluate(new EvaluationData(real, good, holdout));
        // x1 = 0.6·x0 + 0.8·noise: the best R² is 0.36; boosted trees on 1500 rows come close.
        Assert.InRange(Get(regression, "TRTR.R2").Value, 0.25, 0.4);
    }

    [Fact]
    public void Subgroup_breakdown_finds_the_worst_group_and_representation_counts_shares()
    {
        var real = TestTables.Mixed(2000, 1);
        // Synthetic: women's x0 shifted, men's faithful; and women under-represented (keep every other woman).
        var syn = TestTables.Mixed(2000, 2);
        var sex = syn["sex"].Labels.ToArray();
        var x0 = syn["x0"].Numbers.ToArray();
        var keep = new bool[syn.RowCount];
        var women = 0;
        for (var i = 0; i < keep.Length; i++)
        {
            if (sex[i] == "F")
            {
                x0[i] += 1.0;
                keep[i] = women++ % 2 == 0;
            }
            else
            {
                keep[i] = true;
            }
        }
        syn = new TabularData(syn.Columns.Select(c => c.Name == "x0" ? TabularColumn.Numeric("x0", x0) : c)).Where(keep);
        var data = new EvaluationData(real, syn);
        var breakdown = new SubgroupBreakdown(new KSComplement("x0"), "sex").Evaluate(data);
        var worst = breakdown.Single(s => s.Metric == "KSComplement.WorstGroup");
        Assert.Equal("sex=F", worst.Subgroup);
        Assert.True(breakdown.Single(s => s.Metric == "KSComplement.SubgroupGap").Value > 0.2);
        var representation = new SubgroupRepresentation("sex").Evaluate(data);
        // Women are about 45% of the real rows and about 29% (0.225 / 0.775) of the synthetic rows: ratio ≈ 0.64.
        Assert.InRange(representation.Single(s => s.Subgroup == "sex=F").Value, 0.55, 0.75);
        Assert.True(representation.Single(s => s.Subgroup == "sex=M").Value > 1.1);
    }

    [Fact]
    public void The_quality_report_names_every_score_and_writes_json_with_the_documented_aggregate()
    {
        var real = TestTables.Mixed(600, 1);
        var syn = TestTables.Mixed(600, 2);
        var holdout = TestTables.Mixed(600, 3);
        var report = QualityReport.Evaluate(new EvaluationData(real, syn, holdout),
            new QualityReportOptions { Seed = 1, Target = "outcome", Subgroups = ["sex"], BootstrapReplicates = 20 });
        var shapes = report.Scores.Where(s => s.Subgroup is null && s.Metric is "KSComplement" or "TVComplement").Select(s => s.Value).Average();
        var pairs = report.Scores.Where(s => s.Subgroup is null && s.Metric is "CorrelationSimilarity" or "ContingencySimilarity").Select(s => s.Value).Average();
        Assert.Equal(shapes, report.ColumnShapes, 12);
        Assert.Equal((shapes + pairs) / 2, report.OverallFidelity, 12);
        foreach (var name in new[] { "KSComplement", "TVComplement", "CorrelationSimilarity", "ContingencySimilarity", "LogisticDetection", "MMD",
            "AlphaPrecision", "BetaRecall", "Authenticity", "DCR.Median", "NNDR.Mean", "Identifiability", "MembershipInference.AUC",
            "TSTR.AUC", "TRTR.AUC", "RepresentationRatio", "KSComplement.WorstGroup", "TSTR.DemographicParityDifference" })
        {
            Assert.Contains(report.Scores, s => s.Metric == name);
        }
        using var json = JsonDocument.Parse(report.ToJson());
        var root = json.RootElement;
        Assert.Equal(QualityReport.Schema, root.GetProperty("schema").GetString());
        Assert.Equal(report.OverallFidelity, root.GetProperty("overall_fidelity").GetDouble());
        var ks = root.GetProperty("scores").EnumerateArray().First(e => e.GetProperty("metric").GetString() == "KSComplement");
        Assert.Equal("x0", ks.GetProperty("column").GetString());
        Assert.Contains("| KSComplement | x0 |", report.ToMarkdown(), StringComparison.Ordinal);
        var path = Path.Combine(Path.GetTempPath(), "quality-" + Guid.NewGuid().ToString("N") + ".json");
        try
        {
            report.WriteJson(path);
            Assert.Equal(report.ToJson(), File.ReadAllText(path));
        }
        finally
        {
            File.Delete(path);
        }
    }
}

using TwinLab.Synthetic.Evaluation;
using TwinLab.Synthetic.Training;

namespace TwinLab.Synthetic.Tests.Training;

public class ModelCollapseTests
{
    private const int D = 10;
    private const int T = 40;
    private const double Sigma = 1.0;
    private const int Generations = 10;
    private const int Repetitions = 4000;

    [Fact]
    public void Under_replace_the_test_error_grows_linearly_as_Gerstgrasser_et_al_derive()
    {
        var run = LinearRegressionCollapse.Run(GenerationPolicy.Replace, D, T, Sigma, Generations, Repetitions, seed: 11);
        foreach (var g in run)
        {
            // Expected σ²·d·n/(T−d−1) exactly (inverse-Wishart mean); the Monte Carlo mean of 4000 repetitions is
            // within 4 standard errors of it unless the derivation or the code is wrong (two-sided p ≈ 6e-5).
            Assert.Equal(Sigma * Sigma * D * g.Generation / (T - D - 1.0), g.Theory, 12);
            Assert.True(Math.Abs(g.MeanTestError - g.Theory) < 4 * g.StandardError,
                $"generation {g.Generation}: {g.MeanTestError:F4} ± {g.StandardError:F4}, theory {g.Theory:F4}");
            // The anchor error is σ² plus the test error (the anchor is a finite sample: 1000 rows × 4000 repetitions).
            Assert.Equal(Sigma * Sigma + g.MeanTestError, g.MeanAnchorError, 1);
        }
        // Linear growth: the tenth generation's error is ten times the first's (to within the Monte Carlo error).
        Assert.InRange(run[^1].MeanTestError / run[0].MeanTestError, 9.0, 11.0);
    }

    [Fact]
    public void Under_accumulate_the_test_error_stays_below_the_pi_squared_over_six_bound()
    {
        var run = LinearRegressionCollapse.Run(GenerationPolicy.Accumulate, D, T, Sigma, Generations, Repetitions, seed: 12);
        var bound = LinearRegressionCollapse.AccumulateBound(D, T, Sigma);
        foreach (var g in run)
        {
            Assert.True(Math.Abs(g.MeanTestError - g.Theory) < 4 * g.StandardError,
                $"generation {g.Generation}: {g.MeanTestError:F4} ± {g.StandardError:F4}, theory {g.Theory:F4}");
            // Below the bound by more than four standard errors: the expectation at n = 10 is 0.94 of the bound.
            Assert.True(g.MeanTestError + 4 * g.StandardError < bound, $"generation {g.Generation}: {g.MeanTestError:F4} vs bound {bound:F4}");
        }
        var replace = LinearRegressionCollapse.Run(GenerationPolicy.Replace, D, T, Sigma, Generations, 400, seed: 12);
        Assert.True(replace[^1].MeanTestError > 5 * run[^1].MeanTestError);
    }

    [Fact]
    public void Accumulate_subsample_keeps_the_real_size_and_the_anchor_is_never_trained_on()
    {
        var x = FeatureMatrix.FromArray(4, 1, [1, 2, 3, 4]);
        var real = LabeledRecords.Real(x, [1, 2, 3, 4]);
        var anchor = LabeledRecords.Real(FeatureMatrix.FromArray(2, 1, [5, 6]), [5, 6]);
        var seen = new List<LabeledRecords>();
        var workflow = new GenerationalTraining<double>(
            train: r => { seen.Add(r); return r.Targets.Average(); },
            generate: (m, g, s) => LabeledRecords.Synthetic(x, [m, m, m, m], g),
            score: (m, a) => a.Targets.Average() - m);
        var results = workflow.Run(real, anchor, GenerationPolicy.AccumulateSubsample, 4, seed: 3);
        Assert.Equal([4, 4, 4, 4], results.Select(r => r.TrainingRows));
        Assert.Equal(4, results[0].RealRows);
        Assert.All(seen, r => Assert.DoesNotContain(5.0, r.Targets));
        Assert.All(seen, r => Assert.DoesNotContain(6.0, r.Targets));
        var accumulate = workflow.Run(real, anchor, GenerationPolicy.Accumulate, 3, seed: 3);
        Assert.Equal([4, 8, 12], accumulate.Select(r => r.TrainingRows));
        Assert.Equal([0, 4, 8], accumulate.Select(r => r.SyntheticRows));
        var replace = workflow.Run(real, anchor, GenerationPolicy.Replace, 3, seed: 3);
        Assert.Equal([4, 0, 0], replace.Select(r => r.RealRows));
        Assert.Throws<ArgumentException>(() => workflow.Run(real, real, GenerationPolicy.Replace, 2, 1));
    }

    [Fact]
    public void Mixtures_respect_the_synthetic_to_real_cap_and_count_what_they_leave_out()
    {
        var real = LabeledRecords.Real(FeatureMatrix.FromArray(10, 1, new double[10]), new double[10]);
        var synthetic = LabeledRecords.Synthetic(FeatureMatrix.FromArray(50, 1, Enumerable.Range(0, 50).Select(i => (double)i).ToArray()), new double[50]);
        var capped = TrainingMixture.Compose(real, synthetic, TrainingDataPolicy.Capped(2.5), seed: 1);
        Assert.Equal((10, 25, 25), (capped.RealUsed, capped.SyntheticUsed, capped.SyntheticExcluded));
        Assert.Equal(35, capped.Records.Count);
        Assert.Equal(25, capped.Records.Features.Values.Skip(10).Distinct().Count()); // distinct synthetic rows
        Assert.Equal(capped.Records.Targets, TrainingMixture.Compose(real, synthetic, TrainingDataPolicy.Capped(2.5), seed: 1).Records.Targets);
        var generous = TrainingMixture.Compose(real, synthetic, TrainingDataPolicy.Capped(10), seed: 1);
        Assert.Equal((50, 0), (generous.SyntheticUsed, generous.SyntheticExcluded));
        Assert.Equal((10, 0, 50), (TrainingMixture.Compose(real, synthetic, TrainingDataPolicy.RealOnly).RealUsed, TrainingMixture.Compose(real, synthetic, TrainingDataPolicy.RealOnly).SyntheticUsed, TrainingMixture.Compose(real, synthetic, TrainingDataPolicy.RealOnly).SyntheticExcluded));
        Assert.Equal(50, TrainingMixture.Compose(real, synthetic, TrainingDataPolicy.SyntheticOnly).Records.Count);
        Assert.Throws<ArgumentOutOfRangeException>(() => TrainingDataPolicy.Capped(-1));
        Assert.Throws<ArgumentException>(() => TrainingMixture.Compose(synthetic, synthetic, TrainingDataPolicy.RealOnly));
    }
}

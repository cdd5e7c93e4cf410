using System.Globalization;
using System.Text;
using TwinLab.Core.Randomness;
using TwinLab.Inference.Abc;
using TwinLab.TestSupport;

namespace TwinLab.Inference.Tests;

public class KernelDensityTests
{
    // scikit-learn's GridSearchCV(KernelDensity) driven through sbibm's search (sbibm/utils/kde.py, bandwidth "cv"),
    // with the one difference documented in GaussianKernelDensity.SelectBandwidth: a best bandwidth b at the lower edge
    // leads to a grid from b/10 to b. Prints the scores of every grid, then the chosen bandwidth. The folds, the mean
    // over folds, the ranking and the choices are scikit-learn's; each fold is scored as KernelDensity.score does, but
    // with an exact log-sum-exp: at bandwidths far below the spacing of the points, the kd-tree's estimate of a far
    // tail is off (seen: −26.3 for an exact −55.6), while it agrees to 1e-9 elsewhere (the test below).
    private const string SbibmCrossValidation = """
        import sys
        import numpy as np
        from scipy.special import logsumexp
        from sklearn.model_selection import GridSearchCV
        from sklearn.neighbors import KernelDensity
        def exact_score(kde, X_test):
            # KernelDensity.score, summed exactly: the tree's estimate of far tails is inexact at small bandwidths.
            train = np.asarray(kde.tree_.data)
            h = kde.bandwidth
            d2 = ((X_test[:, None, :] - train[None, :, :]) ** 2).sum(-1)
            return float((logsumexp(-0.5 * d2 / h ** 2, axis=1) - np.log(len(train)) - 0.5 * X_test.shape[1] * np.log(2 * np.pi * h * h)).sum())
        d = int(sys.argv[1])
        X = np.array([float(v) for v in sys.stdin.read().split()]).reshape(-1, d)
        steps = 10
        lower, upper = 0.1 * X.std(), 0.5 * X.std()
        current_best = -10000000
        for _ in range(5):
            bandwidth_range = np.linspace(lower, upper, steps)
            grid = GridSearchCV(KernelDensity(kernel="gaussian", algorithm="auto", metric="euclidean", atol=0, rtol=0,
                                              breadth_first=True, leaf_size=40),
                                {"bandwidth": bandwidth_range}, cv=20, scoring=exact_score)
            grid.fit(X)
            print(" ".join(repr(float(s)) for s in grid.cv_results_["mean_test_score"]))
            if abs(current_best - grid.best_score_) > 0.001:
                current_best = grid.best_score_
            else:
                break
            if grid.best_index_ == 0:
                upper, lower = bandwidth_range[0], 0.1 * bandwidth_range[0]
                continue
            second = list(grid.cv_results_["rank_test_score"]).index(2)
            upper = bandwidth_range[second]
            lower = bandwidth_range[grid.best_index_]
            if upper < lower:
                upper, lower = lower, upper
        print(repr(float(grid.best_params_["bandwidth"])))
        """;

    /// <summary>Points in 2-D from two separated normal clusters of different widths (scaled by <paramref name="width"/>).</summary>
    private static double[] Clusters(int n, ulong seed, double width = 1.0)
    {
        var stream = RandomStream.For(seed, "kde-test");
        var values = new double[n * 2];
        for (var i = 0; i < n; i++)
        {
            var far = i % 3 == 0;
            values[2 * i] = (far ? 2.0 : 0.0) + (width * (far ? 0.3 : 0.6) * stream.NextNormal());
            values[(2 * i) + 1] = (far ? -1.0 : 0.5) + (width * (far ? 0.2 : 0.4) * stream.NextNormal());
        }

        return values;
    }

    private static string Text(double[] values) => string.Join(' ', values.Select(v => v.ToString("R", CultureInfo.InvariantCulture)));

    private static double[] Numbers(string line) => [.. line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(v => double.Parse(v, CultureInfo.InvariantCulture))];

    [Theory]
    [InlineData(100, 5UL, 1.0)]
    [InlineData(100, 7UL, 0.02)] // one tight cluster far from the other: the optimum lies below the first grid

    [InlineData(57, 6UL, 1.0)] // 57 points: 20 folds of 2 or 3 points, the first 17 one larger, as scikit-learn's KFold
    public void Cross_validated_bandwidth_matches_scikit_learn_grid_search(int n, ulong seed, double width)
    {
        var data = Clusters(n, seed, width);
        var ours = GaussianKernelDensity.SelectBandwidth(data, 2);
        var lines = DebianPython.Run(SbibmCrossValidation, Text(data), "2").Trim().Split('\n');
        Assert.Equal(ours.Grids.Count + 1, lines.Length);
        for (var g = 0; g < ours.Grids.Count; g++)
        {
            var theirs = Numbers(lines[g]);
            for (var k = 0; k < theirs.Length; k++)
            {
                // Both sum the same log-sum-exp terms exactly (atol = rtol = 0), in a different order: 1e-9 relative
                // leaves room for that rounding on scores of order 10.
                Assert.True(Math.Abs(ours.Grids[g].Scores[k] - theirs[k]) <= 1e-9 * Math.Abs(theirs[k]), $"grid {g}, bandwidth {k} ({ours.Grids[g].Bandwidths[k]}; grid from {ours.Grids[g].Bandwidths[0]} to {ours.Grids[g].Bandwidths[^1]}, previous best index {(g > 0 ? ours.Grids[g - 1].BestIndex : -1)}): ours {ours.Grids[g].Scores[k]}, scikit-learn {theirs[k]}");
            }
        }

        // Same grids and same choices, so the same grid point; 1e-12 relative allows for numpy's linspace rounding.
        var expected = double.Parse(lines[^1], CultureInfo.InvariantCulture);
        Assert.True(Math.Abs(ours.Bandwidth - expected) <= 1e-12 * expected, $"ours {ours.Bandwidth}, scikit-learn {expected}");
        Assert.Equal(20, ours.Folds);
        Assert.True(ours.Grids.Count >= 2, "the search should refine the first grid at least once");
        if (width < 1)
        {
            // Narrow clusters 3.2 apart: s ≈ 1.1 while the clusters' spread is ≈ 0.01, so the first grid's best is its
            // smallest bandwidth and the search goes below it.
            Assert.Equal(0, ours.Grids[0].BestIndex);
            Assert.True(ours.Bandwidth < ours.Grids[0].Bandwidths[0], $"bandwidth {ours.Bandwidth}");
        }
    }

    [Fact]
    public void Log_density_matches_scikit_learn_with_and_without_weights()
    {
        var data = Clusters(40, 8);
        var weights = Enumerable.Range(0, 40).Select(i => 1.0 + (i % 4)).ToArray();
        double[][] points = [[0.1, 0.2], [2.0, -1.0], [5.0, 5.0]];
        const double bandwidth = 0.37;
        var plain = new GaussianKernelDensity(data, 2, bandwidth);
        var weighted = new GaussianKernelDensity(data, 2, bandwidth, weights);
        var input = new StringBuilder().AppendLine(Text(data)).AppendLine(Text(weights)).AppendLine(Text([.. points.SelectMany(p => p)])).ToString();
        var lines = DebianPython.Run("""
            import sys
            import numpy as np
            from sklearn.neighbors import KernelDensity
            rows = [np.array([float(v) for v in l.split()]) for l in sys.stdin.read().strip().split("\n")]
            X, w, Y = rows[0].reshape(-1, 2), rows[1], rows[2].reshape(-1, 2)
            for sw in (None, w):
                kde = KernelDensity(kernel="gaussian", bandwidth=float(sys.argv[1]), atol=0, rtol=0).fit(X, sample_weight=sw)
                print(" ".join(repr(float(v)) for v in kde.score_samples(Y)))
            """, input, bandwidth.ToString("R", CultureInfo.InvariantCulture)).Trim().Split('\n');
        var expectedPlain = Numbers(lines[0]);
        var expectedWeighted = Numbers(lines[1]);
        for (var i = 0; i < points.Length; i++)
        {
            // Exact sums in both (atol = rtol = 0); 1e-9 absolute on log densities of order 1–100 covers summation order.
            Assert.Equal(expectedPlain[i], plain.LogDensity(points[i]), 1e-9);
            Assert.Equal(expectedWeighted[i], weighted.LogDensity(points[i]), 1e-9);
        }
    }

    [Fact]
    public void Draws_have_the_mixture_moments()
    {
        // Draws are a point picked uniformly plus N(0, h²): mean = the points' mean, variance = their (population)
        // variance + h², per coordinate.
        var data = Clusters(200, 9);
        const double bandwidth = 0.25;
        var draws = new GaussianKernelDensity(data, 2, bandwidth).Sample(200_000, 4);
        for (var j = 0; j < 2; j++)
        {
            var column = Enumerable.Range(0, 200).Select(i => data[(2 * i) + j]).ToArray();
            var mean = column.Average();
            var variance = column.Select(v => (v - mean) * (v - mean)).Average() + (bandwidth * bandwidth);
            var drawn = Enumerable.Range(0, 200_000).Select(i => draws[(2 * i) + j]).ToArray();
            var drawnMean = drawn.Average();
            var drawnVariance = drawn.Select(v => (v - drawnMean) * (v - drawnMean)).Average();
            // Standard errors with 2·10⁵ draws and variance ≤ 1.2: mean 0.0025, variance ≈ 0.004; 5 of them.
            Assert.Equal(mean, drawnMean, 0.0125);
            Assert.Equal(variance, drawnVariance, 0.02);
        }
    }

    [Fact]
    public void Bad_input_is_rejected_with_the_reason()
    {
        Assert.Contains("bandwidth", Assert.Throws<ArgumentException>(() => new GaussianKernelDensity([1.0, 2.0], 1, 0)).Message, StringComparison.Ordinal);
        Assert.Contains("whole points", Assert.Throws<ArgumentException>(() => new GaussianKernelDensity([1.0, 2.0, 3.0], 2, 1)).Message, StringComparison.Ordinal);
        Assert.Contains("collapsed", Assert.Throws<ArgumentException>(() => GaussianKernelDensity.SelectBandwidth([1.0, 1.0, 1.0], 1)).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new GaussianKernelDensity([1.0, double.NaN], 1, 1));
    }
}

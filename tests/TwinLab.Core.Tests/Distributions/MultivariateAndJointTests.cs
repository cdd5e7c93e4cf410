using TwinLab.Core.Distributions;
using TwinLab.Core.Randomness;

namespace TwinLab.Core.Tests.Distributions;

public class MultivariateAndJointTests
{
    [Fact]
    public void Multivariate_normal_exposes_copies_of_its_parameters_and_factor()
    {
        double[] mean = [1, 2];
        double[,] covariance = { { 4, 1 }, { 1, 2 } };
        var mvn = new MultivariateNormal(mean, covariance);
        mean[0] = 100;
        covariance[0, 0] = 100;
        Assert.Equal(2, mvn.Dimension);
        Assert.Equal([1.0, 2.0], mvn.Mean);
        Assert.Equal(4, mvn.Covariance[0, 0]);
        mvn.Covariance[0, 0] = 7;
        Assert.Equal(4, mvn.Covariance[0, 0]);

        double[,] factor = mvn.GetCholeskyFactor();
        Assert.Equal(2, factor[0, 0]);
        Assert.Equal(0, factor[0, 1]);
        Assert.Equal(0.5, factor[1, 0]);
        Assert.Equal(Math.Sqrt(1.75), factor[1, 1], 15);
    }

    [Fact]
    public void Multivariate_normal_rejects_bad_input_with_clear_messages()
    {
        var notPositive = Assert.Throws<ArgumentException>(() => new MultivariateNormal([0, 0], new double[,] { { 1, 2 }, { 2, 1 } }));
        Assert.Contains("not positive definite", notPositive.Message, StringComparison.Ordinal);
        var singular = Assert.Throws<ArgumentException>(() => new MultivariateNormal([0, 0], new double[,] { { 1, 1 }, { 1, 1 } }));
        Assert.Contains("row 1", singular.Message, StringComparison.Ordinal);
        var asymmetric = Assert.Throws<ArgumentException>(() => new MultivariateNormal([0, 0], new double[,] { { 1, 0.5 }, { 0.4, 1 } }));
        Assert.Contains("not symmetric", asymmetric.Message, StringComparison.Ordinal);
        var shape = Assert.Throws<ArgumentException>(() => new MultivariateNormal([0, 0, 0], new double[,] { { 1, 0 }, { 0, 1 } }));
        Assert.Contains("2 × 2", shape.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new MultivariateNormal([], new double[0, 0]));
        Assert.Throws<ArgumentException>(() => new MultivariateNormal([double.NaN], new double[,] { { 1 } }));
        Assert.Throws<ArgumentException>(() => new MultivariateNormal([0], new double[,] { { double.PositiveInfinity } }));

        var mvn = new MultivariateNormal([0, 0], new double[,] { { 1, 0 }, { 0, 1 } });
        Assert.Throws<ArgumentException>(() => mvn.LogDensity([1.0]));
        var stream = RandomStream.For(1, "mvn");
        Assert.Throws<ArgumentException>(() => mvn.Sample(ref stream, new double[3]));
    }

    [Fact]
    public void Multivariate_normal_with_diagonal_covariance_factorises_into_normals()
    {
        var mvn = new MultivariateNormal([1, -1], new double[,] { { 4, 0 }, { 0, 0.25 } });
        double[] x = [2.5, -1.2];
        double expected = new Normal(1, 2).LogDensity(2.5) + new Normal(-1, 0.5).LogDensity(-1.2);
        Assert.Equal(expected, mvn.LogDensity(x), 13);
    }

    [Fact]
    public void Joint_prior_sums_log_densities_and_samples_in_name_order()
    {
        var prior = new JointPrior(
            ("r", Prior.LogNormal(median: 0.1, sigma: 0.3)),
            ("K", Prior.Uniform(100, 1e5)),
            ("f", Prior.Beta(2, 5)));
        Assert.Equal(["r", "K", "f"], prior.Names);
        Assert.Equal(3, prior.Dimension);
        Assert.Equal(1, prior.IndexOf("K"));
        Assert.Equal(-1, prior.IndexOf("missing"));
        Assert.Equal(new Uniform(100, 1e5), prior["K"]);
        var missing = Assert.Throws<KeyNotFoundException>(() => prior["k"]);
        Assert.Contains("r, K, f", missing.Message, StringComparison.Ordinal);

        double[] theta = [0.12, 2000, 0.3];
        double expected = prior["r"].LogDensity(0.12) + prior["K"].LogDensity(2000) + prior["f"].LogDensity(0.3);
        Assert.Equal(expected, prior.LogDensity(theta), 14);
        Assert.True(prior.InSupport(theta));
        Assert.Equal(double.NegativeInfinity, prior.LogDensity([0.12, 50, 0.3]));
        Assert.False(prior.InSupport([0.12, 50, 0.3]));
        Assert.False(prior.InSupport([-0.1, 2000, 0.3]));
        Assert.Throws<ArgumentException>(() => prior.LogDensity([1.0, 2.0]));

        var stream = RandomStream.For(7, "prior");
        var replay = stream;
        var draw = new double[3];
        prior.Sample(ref stream, draw);
        Assert.Equal(prior.Distributions[0].Sample(ref replay), draw[0]);
        Assert.Equal(prior.Distributions[1].Sample(ref replay), draw[1]);
        Assert.Equal(prior.Distributions[2].Sample(ref replay), draw[2]);
        Assert.True(prior.InSupport(draw));
        Assert.Equal(
            "JointPrior(r ~ LogNormal(median=0.1, sigma=0.3), K ~ Uniform(lower=100, upper=100000), f ~ Beta(alpha=2, beta=5))",
            prior.ToString());
    }

    [Fact]
    public void Joint_prior_rejects_duplicate_empty_or_missing_components()
    {
        var duplicate = Assert.Throws<ArgumentException>(() => new JointPrior(("a", Prior.Normal(0, 1)), ("a", Prior.Normal(0, 2))));
        Assert.Contains("'a'", duplicate.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new JointPrior(("", Prior.Normal(0, 1))));
        Assert.Throws<ArgumentException>(() => new JointPrior(("a", null!)));
        Assert.Throws<ArgumentException>(() => new JointPrior());
        var fromPairs = new JointPrior(new Dictionary<string, Distribution> { ["x"] = Prior.Gamma(2, 1) });
        Assert.Equal(1, fromPairs.Dimension);
    }
}

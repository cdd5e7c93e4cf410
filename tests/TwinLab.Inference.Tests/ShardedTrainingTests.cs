using TwinLab.Core.Randomness;
using TwinLab.Inference.Neural;

namespace TwinLab.Inference.Tests;

public class ShardedTrainingTests
{
    private const int D = 3, C = 2;

    private static ConditionalDensityEstimator Create(string kind)
    {
        var stream = RandomStream.For(21, "init");
        return kind switch
        {
            "maf" => new MaskedAutoregressiveFlow(D, C, transforms: 3, hidden: 12, ref stream),
            "nsf" => new NeuralSplineFlow(D, C, transforms: 3, hidden: 12, bins: 6, bound: 3, ref stream),
            _ => new MixtureDensityNetwork(D, C, components: 3, hidden: 12, ref stream),
        };
    }

    private static (float[] Theta, float[] Context) Batch(int rows)
    {
        var stream = RandomStream.For(22, "batch");
        var theta = new float[rows * D];
        var context = new float[rows * C];
        for (var i = 0; i < theta.Length; i++)
        {
            theta[i] = (float)(1.5 * stream.NextNormal()); // some rows fall in the spline's linear tails
        }

        for (var i = 0; i < context.Length; i++)
        {
            context[i] = (float)stream.NextNormal();
        }

        return (theta, context);
    }

    private static float[][] Gradients(ConditionalDensityEstimator estimator) => [.. estimator.Parameters().Select(p => (float[])p.Gradients.Clone())];

    private static void Clear(ConditionalDensityEstimator estimator)
    {
        foreach (var (_, g) in estimator.Parameters())
        {
            Array.Clear(g);
        }
    }

    [Theory]
    [InlineData("maf", 50)]
    [InlineData("nsf", 50)]
    [InlineData("mdn", 50)]
    [InlineData("nsf", 7)]
    [InlineData("maf", 1)]
    public void Sharded_gradients_equal_the_whole_batch_gradient_up_to_rounding(string kind, int rows)
    {
        // The shards sum the same per-row terms in a different order, in single precision: agreement to 1e-5 of the
        // largest gradient element (float's ε is 1.2e-7; a 50-row sum of terms of either sign loses a few digits more).
        var (theta, context) = Batch(rows);
        var whole = Create(kind);
        var wholeLoss = whole.LossAndGradient(theta, context, rows);
        var expected = Gradients(whole);

        var estimator = Create(kind);
        var loss = new ShardedTraining(estimator).LossAndGradient(theta, context, rows);
        var actual = Gradients(estimator);

        Assert.Equal(wholeLoss, loss, 1e-6 * Math.Max(1, Math.Abs(wholeLoss)));
        var largest = expected.Max(g => g.Max(Math.Abs));
        Assert.True(largest > 0);
        for (var p = 0; p < expected.Length; p++)
        {
            for (var i = 0; i < expected[p].Length; i++)
            {
                Assert.True(Math.Abs(expected[p][i] - actual[p][i]) <= 1e-5 * largest, $"{kind}: array {p}, element {i}: {actual[p][i]} against {expected[p][i]}");
            }
        }
    }

    [Theory]
    [InlineData("maf")]
    [InlineData("nsf")]
    [InlineData("mdn")]
    public void Results_do_not_depend_on_how_many_shards_run_at_once(string kind)
    {
        var (theta, context) = Batch(50);
        var serial = Create(kind);
        var parallel = Create(kind);
        var serialTraining = new ShardedTraining(serial, maxDegreeOfParallelism: 1);
        var parallelTraining = new ShardedTraining(parallel);
        var serialAdam = new Adam(serial.Parameters(), 1e-3);
        var parallelAdam = new Adam(parallel.Parameters(), 1e-3);
        for (var step = 0; step < 5; step++)
        {
            serialAdam.ZeroGradients();
            parallelAdam.ZeroGradients();
            Assert.Equal(serialTraining.LossAndGradient(theta, context, 50), parallelTraining.LossAndGradient(theta, context, 50));
            Assert.Equal(Gradients(serial), Gradients(parallel));
            serialAdam.Step();
            parallelAdam.Step();
        }

        var a = new double[50];
        var b = new double[50];
        serialTraining.LogProb(theta, context, 50, a);
        parallelTraining.LogProb(theta, context, 50, b);
        Assert.Equal(a, b);
    }

    [Theory]
    [InlineData("maf")]
    [InlineData("nsf")]
    [InlineData("mdn")]
    public void Sharded_densities_equal_the_estimator_s_own_row_by_row(string kind)
    {
        // Every row's density is computed by the same operations whichever shard holds it: equal to the last bit.
        var (theta, context) = Batch(33);
        var estimator = Create(kind);
        var expected = new double[33];
        estimator.LogProb(theta, context, 33, expected);
        var actual = new double[33];
        new ShardedTraining(estimator).LogProb(theta, context, 33, actual);
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void A_replica_follows_its_estimator_s_parameters_and_keeps_its_own_gradients()
    {
        var (theta, context) = Batch(10);
        var estimator = Create("nsf");
        var replica = estimator.Replica();
        foreach (var (values, _) in estimator.Parameters())
        {
            for (var i = 0; i < values.Length; i++)
            {
                values[i] *= 1.1f; // masked (zero) weights stay zero
            }
        }

        var expected = new double[10];
        var actual = new double[10];
        estimator.LogProb(theta, context, 10, expected);
        replica.LogProb(theta, context, 10, actual);
        Assert.Equal(expected, actual);

        Clear(estimator);
        Clear(replica);
        replica.LossAndGradient(theta, context, 10);
        Assert.All(estimator.Parameters(), p => Assert.All(p.Gradients, g => Assert.Equal(0f, g)));
        Assert.Contains(replica.Parameters(), p => p.Gradients.Any(g => g != 0f));
    }
}

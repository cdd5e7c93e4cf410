namespace TwinLab.Inference.Sbi;

/// <summary>Column-wise z-scoring (x − mean) / sd with the sample standard deviation (n − 1); a constant column gets
/// sd 1 so that it passes unchanged.</summary>
internal sealed class Standardizer
{
    private Standardizer(double[] mean, double[] sd)
    {
        Mean = mean;
        StandardDeviation = sd;
    }

    public double[] Mean { get; }

    public double[] StandardDeviation { get; }

    public int Width => Mean.Length;

    public static Standardizer Fit(ReadOnlySpan<double> rows, int width)
    {
        var n = rows.Length / width;
        var mean = new double[width];
        var sd = new double[width];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < width; j++)
            {
                mean[j] += rows[(i * width) + j];
            }
        }

        for (var j = 0; j < width; j++)
        {
            mean[j] /= n;
        }

        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < width; j++)
            {
                var r = rows[(i * width) + j] - mean[j];
                sd[j] += r * r;
            }
        }

        for (var j = 0; j < width; j++)
        {
            sd[j] = n > 1 ? Math.Sqrt(sd[j] / (n - 1)) : 0;
            if (!(sd[j] > 1e-14 * Math.Max(1.0, Math.Abs(mean[j]))))
            {
                sd[j] = 1.0;
            }
        }

        return new Standardizer(mean, sd);
    }

    public float[] TransformToSingle(ReadOnlySpan<double> rows)
    {
        var result = new float[rows.Length];
        for (var i = 0; i < rows.Length; i++)
        {
            var j = i % Width;
            result[i] = (float)((rows[i] - Mean[j]) / StandardDeviation[j]);
        }

        return result;
    }

    public double[] Transform(ReadOnlySpan<double> rows)
    {
        var result = new double[rows.Length];
        for (var i = 0; i < rows.Length; i++)
        {
            var j = i % Width;
            result[i] = (rows[i] - Mean[j]) / StandardDeviation[j];
        }

        return result;
    }

    public double Inverse(double value, int column) => (value * StandardDeviation[column]) + Mean[column];

    /// <summary>Σ ln sd: the log-Jacobian of the z-scoring of one row.</summary>
    public double LogScale() => StandardDeviation.Sum(Math.Log);
}

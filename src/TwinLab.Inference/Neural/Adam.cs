using System.Numerics;

namespace TwinLab.Inference.Neural;

/// <summary>
/// Adam (Kingma and Ba 2015, arXiv:1412.6980) over a set of parameter arrays, with optional L2 penalty added to the
/// gradients (scikit-learn's <c>alpha</c>) and optional clipping of the global gradient norm (PyTorch's
/// <c>clip_grad_norm_</c>, as <c>sbi</c> uses).
/// </summary>
internal sealed class Adam
{
    private readonly List<(float[] Values, float[] Gradients)> _parameters;
    private readonly List<double[]> _first = [];
    private readonly List<double[]> _second = [];
    private long _step;

    public Adam(IEnumerable<(float[] Values, float[] Gradients)> parameters, double learningRate)
    {
        _parameters = [.. parameters];
        foreach (var (values, _) in _parameters)
        {
            _first.Add(new double[values.Length]);
            _second.Add(new double[values.Length]);
        }

        LearningRate = learningRate;
        _parallel = _parameters.Sum(p => (long)p.Values.Length) >= ParallelThreshold;
    }

    /// <summary>The parameter count from which a step updates its arrays in parallel. Below it a fork–join costs more
    /// than it saves: measured on 2 cores, the parallel update made C2ST on 2-D samples 25 % slower (a classifier of 500
    /// parameters, its folds already in parallel) and the spline flow's training on lotka_volterra (4.9·10⁴) 9 % faster.</summary>
    private const int ParallelThreshold = 1 << 14;

    private readonly bool _parallel;

    public double LearningRate { get; set; }

    public double Beta1 { get; init; } = 0.9;

    public double Beta2 { get; init; } = 0.999;

    public double Epsilon { get; init; } = 1e-8;

    /// <summary>The global gradient norm above which gradients are rescaled; ∞ for none.</summary>
    public double ClipNorm { get; init; } = double.PositiveInfinity;

    public void ZeroGradients()
    {
        foreach (var (_, g) in _parameters)
        {
            Array.Clear(g);
        }
    }

    /// <summary>One update from the gradients currently held (already averaged over the batch).</summary>
    public void Step()
    {
        _step++;
        var scale = 1.0;
        if (double.IsFinite(ClipNorm))
        {
            var sum = 0.0;
            foreach (var (_, g) in _parameters)
            {
                sum += SumOfSquares(g);
            }

            var norm = Math.Sqrt(sum);
            if (norm > ClipNorm)
            {
                scale = ClipNorm / (norm + 1e-6);
            }
        }

        var correction1 = 1.0 - Math.Pow(Beta1, _step);
        var correction2 = 1.0 - Math.Pow(Beta2, _step);
        var stepSize = LearningRate * Math.Sqrt(correction2) / correction1;
        // Every element's update depends on that element alone, so the arrays can be updated in parallel.
        if (_parallel)
        {
            Parallel.For(0, _parameters.Count, p => Update(p, scale, stepSize));
        }
        else
        {
            for (var p = 0; p < _parameters.Count; p++)
            {
                Update(p, scale, stepSize);
            }
        }
    }

    private void Update(int p, double scale, double stepSize)
    {
        var (values, gradients) = _parameters[p];
        var m = _first[p];
        var v = _second[p];

        // Vector by vector, then one element at a time: the same IEEE operations in the same order either way.
        var width = Vector<float>.Count;
        var half = Vector<double>.Count;
        var i = 0;
        for (; i + width <= values.Length; i += width)
        {
            Vector.Widen(new Vector<float>(gradients.AsSpan(i)), out var low, out var high);
            var change = Vector.Narrow(Moments(m, v, i, low * scale, stepSize), Moments(m, v, i + half, high * scale, stepSize));
            (new Vector<float>(values.AsSpan(i)) - change).CopyTo(values.AsSpan(i));
        }

        for (; i < values.Length; i++)
        {
            double g = gradients[i] * scale;
            m[i] = (Beta1 * m[i]) + ((1 - Beta1) * g);
            v[i] = (Beta2 * v[i]) + ((1 - Beta2) * g * g);
            values[i] -= (float)(stepSize * m[i] / (Math.Sqrt(v[i]) + Epsilon));
        }
    }

    /// <summary>Σ g², accumulated in double precision, vector by vector and then element by element (a fixed order).</summary>
    private static double SumOfSquares(float[] g)
    {
        Vector<double> low = Vector<double>.Zero, high = low;
        var i = 0;
        for (; i + Vector<float>.Count <= g.Length; i += Vector<float>.Count)
        {
            Vector.Widen(new Vector<float>(g.AsSpan(i)), out var a, out var b);
            low += a * a;
            high += b * b;
        }

        var sum = Vector.Sum(low + high);
        for (; i < g.Length; i++)
        {
            sum += (double)g[i] * g[i];
        }

        return sum;
    }

    /// <summary>Updates the moments at <paramref name="offset"/> from the gradients <paramref name="g"/>; returns the
    /// parameters' change.</summary>
    private Vector<double> Moments(double[] m, double[] v, int offset, Vector<double> g, double stepSize)
    {
        var first = (Beta1 * new Vector<double>(m.AsSpan(offset))) + ((1 - Beta1) * g);
        var second = (Beta2 * new Vector<double>(v.AsSpan(offset))) + ((1 - Beta2) * g * g);
        first.CopyTo(m.AsSpan(offset));
        second.CopyTo(v.AsSpan(offset));
        return stepSize * first / (Vector.SquareRoot(second) + new Vector<double>(Epsilon));
    }
}

using System.Runtime.CompilerServices;
using BenchmarkDotNet.Attributes;
using TwinLab.Core.Library;
using TwinLab.Core.Symbolic;

namespace TwinLab.Benchmarks;

/// <summary>
/// The compiled right-hand side of the Kuznetsov tumour-immune model against the same equations written by hand in
/// C#, called directly (the baseline) and through a delegate, as a solver would. Each operation evaluates the
/// right-hand side at 1024 different states; results are per evaluation. The inlined direct call is the strictest
/// baseline: the JIT can hoist the parameter loads out of the loop, which no solver calling a model can do.
/// </summary>
[MemoryDiagnoser]
public class RightHandSideBenchmark
{
    private const int Points = 1024;
    private VectorFunction _compiled = null!;
    private VectorFunction _handWrittenDelegate = null!;
    private double[] _parameters = null!;
    private double[] _states = null!;
    private double[] _output = null!;

    [GlobalSetup]
    public void Setup()
    {
        var model = ModelLibrary.Get("kuznetsov");
        _compiled = model.Compiled.RightHandSide;
        _handWrittenDelegate = HandWritten;
        _parameters = model.NominalParameters();
        var random = new Random(42);
        _states = new double[2 * Points];
        for (var i = 0; i < Points; i++)
        {
            _states[2 * i] = 1e5 + (random.NextDouble() * 1e6);
            _states[(2 * i) + 1] = 1e5 + (random.NextDouble() * 1e8);
        }
        _output = new double[2];
    }

    /// <summary>Kuznetsov et al. (1994), written by hand: parameters s, p, g, m, d, a, b, n, E0, T0.</summary>
    private static void HandWritten(double t, ReadOnlySpan<double> y, ReadOnlySpan<double> p, Span<double> dy)
    {
        double e = y[0], tumour = y[1];
        double s = p[0], prol = p[1], g = p[2], m = p[3], d = p[4], a = p[5], b = p[6], n = p[7];
        dy[0] = s + (prol * e * tumour / (g + tumour)) - (m * e * tumour) - (d * e);
        dy[1] = (a * tumour * (1 - (b * tumour))) - (n * e * tumour);
    }

    [Benchmark(Baseline = true, Description = "hand-written C#, direct call", OperationsPerInvoke = Points)]
    public double HandWrittenDirect()
    {
        var output = _output.AsSpan();
        for (var i = 0; i < Points; i++)
        {
            HandWritten(0, _states.AsSpan(2 * i, 2), _parameters, output);
        }
        return output[0];
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void HandWrittenNotInlined(double t, ReadOnlySpan<double> y, ReadOnlySpan<double> p, Span<double> dy) =>
        HandWritten(t, y, p, dy);

    [Benchmark(Description = "hand-written C#, call not inlined", OperationsPerInvoke = Points)]
    public double HandWrittenCall()
    {
        var output = _output.AsSpan();
        for (var i = 0; i < Points; i++)
        {
            HandWrittenNotInlined(0, _states.AsSpan(2 * i, 2), _parameters, output);
        }
        return output[0];
    }

    [Benchmark(Description = "hand-written C#, through a delegate", OperationsPerInvoke = Points)]
    public double HandWrittenThroughDelegate()
    {
        var output = _output.AsSpan();
        for (var i = 0; i < Points; i++)
        {
            _handWrittenDelegate(0, _states.AsSpan(2 * i, 2), _parameters, output);
        }
        return output[0];
    }

    [Benchmark(Description = "TwinLab compiled from the symbolic model", OperationsPerInvoke = Points)]
    public double Compiled()
    {
        var output = _output.AsSpan();
        for (var i = 0; i < Points; i++)
        {
            _compiled(0, _states.AsSpan(2 * i, 2), _parameters, output);
        }
        return output[0];
    }
}

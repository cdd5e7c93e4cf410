using TwinLab.Core.Modelling;
using TwinLab.Core.Symbolic;

namespace TwinLab.Simulation;

/// <summary>
/// The system a stepper integrates: the model's compiled right-hand side plus the infusions active in the current
/// segment, optionally augmented with forward sensitivities <c>S' = J S + ∂f/∂p</c>. Counts its evaluations.
/// </summary>
internal sealed class OdeSystem
{
    private readonly CompiledModel _compiled;
    private readonly double[] _parameters;
    private readonly int[] _sensitivityColumns;
    private readonly double[] _jacobian;
    private readonly double[] _parameterJacobian;
    private readonly double[] _scratch;
    private readonly double[] _scratch2;

    public OdeSystem(CompiledModel compiled, double[] parameters, int[] sensitivityColumns)
    {
        _compiled = compiled;
        _parameters = parameters;
        _sensitivityColumns = sensitivityColumns;
        StateCount = compiled.StateCount;
        Dimension = StateCount * (1 + sensitivityColumns.Length);
        InfusionRates = new double[StateCount];
        InfusionSensitivities = new double[StateCount * sensitivityColumns.Length];
        _jacobian = new double[StateCount * StateCount];
        _parameterJacobian = new double[StateCount * compiled.ParameterCount];
        _scratch = new double[Dimension];
        _scratch2 = new double[Dimension];
    }

    /// <summary>The number of model states.</summary>
    public int StateCount { get; }

    /// <summary>The dimension integrated: states plus sensitivities.</summary>
    public int Dimension { get; }

    /// <summary>Whether sensitivities are integrated alongside the states.</summary>
    public bool HasSensitivities => _sensitivityColumns.Length > 0;

    /// <summary>The summed rates of the infusions active in the current segment, per state.</summary>
    public double[] InfusionRates { get; }

    /// <summary>∂(infusion rate)/∂p for the active infusions, per state and sensitivity parameter.</summary>
    public double[] InfusionSensitivities { get; }

    public int FunctionEvaluations { get; private set; }

    public int JacobianEvaluations { get; private set; }

    /// <summary>dy/dt of the (augmented) system.</summary>
    public void Evaluate(double t, ReadOnlySpan<double> y, Span<double> dy)
    {
        FunctionEvaluations++;
        var n = StateCount;
        _compiled.RightHandSide(t, y[..n], _parameters, dy[..n]);
        for (var i = 0; i < n; i++)
        {
            dy[i] += InfusionRates[i];
        }
        if (!HasSensitivities)
        {
            return;
        }
        var p = _sensitivityColumns.Length;
        var allParameters = _compiled.ParameterCount;
        _compiled.Jacobian(t, y[..n], _parameters, _jacobian);
        _compiled.ParameterJacobian(t, y[..n], _parameters, _parameterJacobian);
        var s = y[n..];
        var ds = dy[n..];
        for (var i = 0; i < n; i++)
        {
            for (var k = 0; k < p; k++)
            {
                var sum = _parameterJacobian[(i * allParameters) + _sensitivityColumns[k]] + InfusionSensitivities[(i * p) + k];
                for (var j = 0; j < n; j++)
                {
                    sum += _jacobian[(i * n) + j] * s[(j * p) + k];
                }
                ds[(i * p) + k] = sum;
            }
        }
    }

    /// <summary>∂f/∂y of the (augmented) system, row-major: symbolic for the model, finite differences when
    /// sensitivities are included.</summary>
    public void Jacobian(double t, ReadOnlySpan<double> y, Span<double> jacobian)
    {
        JacobianEvaluations++;
        if (!HasSensitivities)
        {
            _compiled.Jacobian(t, y, _parameters, jacobian);
            return;
        }
        // Forward differences with the usual step sqrt(eps)·max(|y|, 1).
        var d = Dimension;
        var f0 = _scratch;
        var shifted = _scratch2;
        Evaluate(t, y, f0);
        var yy = y.ToArray();
        for (var j = 0; j < d; j++)
        {
            var h = 1.4901161193847656e-8 * Math.Max(Math.Abs(yy[j]), 1);
            var keep = yy[j];
            yy[j] += h;
            Evaluate(t, yy, shifted);
            yy[j] = keep;
            for (var i = 0; i < d; i++)
            {
                jacobian[(i * d) + j] = (shifted[i] - f0[i]) / h;
            }
        }
    }

    /// <summary>∂f/∂t of the (augmented) system.</summary>
    public void TimeDerivative(double t, ReadOnlySpan<double> y, Span<double> derivative)
    {
        if (!HasSensitivities)
        {
            _compiled.TimeDerivative(t, y, _parameters, derivative);
            return;
        }
        var h = 1.4901161193847656e-8 * Math.Max(Math.Abs(t), 1);
        Evaluate(t, y, _scratch);
        Evaluate(t + h, y, _scratch2);
        for (var i = 0; i < Dimension; i++)
        {
            derivative[i] = (_scratch2[i] - _scratch[i]) / h;
        }
    }

    /// <summary>Compiles expressions of the model's symbols once per call site (not per step).</summary>
    public static VectorFunction Compile(Model model, IReadOnlyList<Expr> expressions) => ExprCompiler.Compile(expressions, model.Layout);
}

namespace TwinLab.Simulation;

/// <summary>
/// What a linearly implicit (Rosenbrock) method keeps between attempts: the Jacobian and ∂f/∂t, evaluated once per
/// accepted step, and the LU factors of <c>W = d·I − s·J</c>, refactorised only when the step size changes.
/// </summary>
internal sealed class IterationMatrix(int n)
{
    private readonly DenseLu _lu = new(n);
    private readonly double[] _jacobian = new double[n * n];
    private bool _jacobianCurrent;
    private double _factorizedH = double.NaN;

    /// <summary>∂f/∂t at the start of the current step.</summary>
    public double[] TimeDerivative { get; } = new double[n];

    /// <summary>LU factorisations so far.</summary>
    public int Factorizations { get; private set; }

    /// <summary>The point moved (an accepted step or a restart): the Jacobian is re-evaluated at the next attempt.</summary>
    public void Invalidate() => _jacobianCurrent = false;

    /// <summary>Makes W current for a step of size <paramref name="h"/> from (t, y); returns false when W is singular.</summary>
    /// <param name="system">The system whose Jacobian is used.</param>
    /// <param name="t">The time at the start of the step.</param>
    /// <param name="y">The state at the start of the step.</param>
    /// <param name="h">The step size.</param>
    /// <param name="diagonal">d of W = d·I − s·J for this h.</param>
    /// <param name="scale">s of W = d·I − s·J for this h.</param>
    public bool Prepare(OdeSystem system, double t, double[] y, double h, double diagonal, double scale)
    {
        if (!_jacobianCurrent)
        {
            system.Jacobian(t, y, _jacobian);
            system.TimeDerivative(t, y, TimeDerivative);
            _jacobianCurrent = true;
            _factorizedH = double.NaN;
        }
        if (h == _factorizedH)
        {
            return true;
        }
        Factorizations++;
        var ok = _lu.FactorizeShifted(diagonal, scale, _jacobian);
        _factorizedH = ok ? h : double.NaN;
        return ok;
    }

    /// <summary>Solves W x = b in place.</summary>
    public void Solve(Span<double> b) => _lu.Solve(b);
}

namespace TwinLab.Simulation;

/// <summary>
/// The Rosenbrock 2(3) method of L. F. Shampine and M. W. Reichelt, The MATLAB ODE Suite, SIAM J. Sci. Comput. 18
/// (1997) 1–22, doi:10.1137/S1064827594276424 (MATLAB's ode23s): L-stable, second order with a third-order error
/// estimate and a free second-order interpolant. The Jacobian is evaluated once per accepted step; the iteration
/// matrix W = I − h d J is refactorised when h changes.
/// </summary>
internal sealed class Rosenbrock23Stepper : Stepper
{
    private static readonly double D = 1 / (2 + Math.Sqrt(2));
    private static readonly double E32 = 6 + Math.Sqrt(2);

    private readonly IterationMatrix _w;
    private readonly double[] _f0;
    private readonly double[] _f1;
    private readonly double[] _f2;
    private readonly double[] _k1;
    private readonly double[] _k2;
    private readonly double[] _k3;
    private readonly double[] _stage;
    private readonly double[] _start;
    private double _h;

    public Rosenbrock23Stepper(OdeSystem system) : base(system)
    {
        var n = Dimension;
        _w = new IterationMatrix(n);
        _f0 = new double[n];
        _f1 = new double[n];
        _f2 = new double[n];
        _k1 = new double[n];
        _k2 = new double[n];
        _k3 = new double[n];
        _stage = new double[n];
        _start = new double[n];
    }

    public override int ErrorOrder => 2;

    public override double ControllerBeta => 0;

    public override int Factorizations => _w.Factorizations;

    public override ReadOnlySpan<double> CurrentDerivative => _f0;

    public override void Start(double t, double[] y)
    {
        System.Evaluate(t, y, _f0);
        _w.Invalidate();
    }

    public override void Attempt(double t, double h, double[] y, double[] yNew, double[] error)
    {
        var n = Dimension;
        if (!_w.Prepare(System, t, y, h, 1, h * D))
        {
            // A singular iteration matrix: report a non-finite step so the integrator shrinks h.
            Array.Fill(yNew, double.NaN);
            Array.Fill(error, double.NaN);
            return;
        }
        var hdT = h * D;
        for (var i = 0; i < n; i++)
        {
            _k1[i] = _f0[i] + (hdT * _w.TimeDerivative[i]);
        }
        _w.Solve(_k1);
        for (var i = 0; i < n; i++)
        {
            _stage[i] = y[i] + (0.5 * h * _k1[i]);
        }
        System.Evaluate(t + (0.5 * h), _stage, _f1);
        for (var i = 0; i < n; i++)
        {
            _k2[i] = _f1[i] - _k1[i];
        }
        _w.Solve(_k2);
        for (var i = 0; i < n; i++)
        {
            _k2[i] += _k1[i];
            yNew[i] = y[i] + (h * _k2[i]);
        }
        System.Evaluate(t + h, yNew, _f2);
        for (var i = 0; i < n; i++)
        {
            _k3[i] = _f2[i] - (E32 * (_k2[i] - _f1[i])) - (2 * (_k1[i] - _f0[i])) + (hdT * _w.TimeDerivative[i]);
        }
        _w.Solve(_k3);
        for (var i = 0; i < n; i++)
        {
            error[i] = h / 6 * (_k1[i] - (2 * _k2[i]) + _k3[i]);
        }
    }

    public override void Accept(double t, double h, double[] y, double[] yNew)
    {
        _h = h;
        Array.Copy(y, _start, Dimension);
        // k1 and k2 stay valid for the interpolant until the next attempt; f(t + h, y_new) starts the next step.
        Array.Copy(_f2, _f0, Dimension);
        _w.Invalidate();
    }

    public override void Interpolate(double theta, Span<double> result)
    {
        var scale = 1 / (1 - (2 * D));
        var a = theta * (1 - theta) * scale;
        var b = theta * (theta - (2 * D)) * scale;
        for (var i = 0; i < Dimension; i++)
        {
            result[i] = _start[i] + (_h * ((a * _k1[i]) + (b * _k2[i])));
        }
    }
}

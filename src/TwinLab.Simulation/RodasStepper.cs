namespace TwinLab.Simulation;

/// <summary>
/// A stiffly accurate Rosenbrock method of the RODAS family (see <see cref="RosenbrockTableau"/>), with the model's
/// symbolic Jacobian J and time derivative ∂f/∂t evaluated once per accepted step (and after every restart), and the
/// iteration matrix W = I/(hγ) − J factorised (LU with partial pivoting) whenever h changes. The last stage k_s is the
/// embedded error estimate; the dense output is the method's own (Steinebach's for Rodas5P). Allocation-free per step.
/// </summary>
internal sealed class RodasStepper : Stepper
{
    private readonly RosenbrockTableau _tableau;
    private readonly IterationMatrix _w;
    private readonly double[] _f0;
    private readonly double[][] _k;
    private readonly double[][] _dense;
    private readonly double[] _stage;
    private readonly double[] _start;
    private readonly double[] _end;
    private bool _f0Current;
    private double _tEnd;

    public RodasStepper(OdeSystem system, RosenbrockTableau tableau) : base(system)
    {
        _tableau = tableau;
        var n = Dimension;
        _w = new IterationMatrix(n);
        _f0 = new double[n];
        _k = new double[tableau.Stages][];
        for (var i = 0; i < _k.Length; i++)
        {
            _k[i] = new double[n];
        }
        _dense = new double[tableau.H.Length][];
        for (var i = 0; i < _dense.Length; i++)
        {
            _dense[i] = new double[n];
        }
        _stage = new double[n];
        _start = new double[n];
        _end = new double[n];
    }

    public override int ErrorOrder => _tableau.Order - 1;


    public override int Factorizations => _w.Factorizations;

    public override ReadOnlySpan<double> CurrentDerivative
    {
        get
        {
            if (!_f0Current)
            {
                // After an accepted step f at its end is computed only when asked for (the next attempt needs it anyway).
                System.Evaluate(_tEnd, _end, _f0);
                _f0Current = true;
            }
            return _f0;
        }
    }

    public override void Start(double t, double[] y)
    {
        System.Evaluate(t, y, _f0);
        _f0Current = true;
        _w.Invalidate();
    }

    public override void Attempt(double t, double h, double[] y, double[] yNew, double[] error)
    {
        var n = Dimension;
        var tab = _tableau;
        if (!_f0Current)
        {
            System.Evaluate(t, y, _f0);
            _f0Current = true;
        }
        if (!_w.Prepare(System, t, y, h, 1 / (h * tab.Gamma), 1))
        {
            // A singular iteration matrix: report a non-finite step so the integrator shrinks h.
            Array.Fill(yNew, double.NaN);
            Array.Fill(error, double.NaN);
            return;
        }

        var stages = tab.Stages;
        var inverseH = 1 / h;
        for (var s = 0; s < stages; s++)
        {
            var k = _k[s];
            var a = tab.A[s];
            var c = tab.C[s];
            if (s == 0)
            {
                Array.Copy(_f0, k, n);
                Array.Copy(y, _stage, n);
            }
            else
            {
                for (var m = 0; m < n; m++)
                {
                    var sum = y[m];
                    for (var j = 0; j < s; j++)
                    {
                        sum += a[j] * _k[j][m];
                    }
                    _stage[m] = sum;
                }
                System.Evaluate(t + (tab.Nodes[s] * h), _stage, k);
            }
            var hd = h * tab.D[s];
            for (var m = 0; m < n; m++)
            {
                var sum = k[m] + (hd * _w.TimeDerivative[m]);
                for (var j = 0; j < s; j++)
                {
                    sum += c[j] * inverseH * _k[j][m];
                }
                k[m] = sum;
            }
            _w.Solve(k);
        }

        // Stiffly accurate: the solution is the last stage point plus the last increment, which is the error estimate.
        var last = _k[stages - 1];
        for (var m = 0; m < n; m++)
        {
            yNew[m] = _stage[m] + last[m];
            error[m] = last[m];
        }
    }

    public override void Accept(double t, double h, double[] y, double[] yNew)
    {
        var n = Dimension;
        Array.Copy(y, _start, n);
        Array.Copy(yNew, _end, n);
        _tEnd = t + h;
        // The interpolant's coefficients K_r = Σ_j H_rj k_j, kept until the next accepted step.
        var hRows = _tableau.H;
        for (var r = 0; r < _dense.Length; r++)
        {
            var row = hRows[r];
            var target = _dense[r];
            for (var m = 0; m < n; m++)
            {
                var sum = 0.0;
                for (var j = 0; j < row.Length; j++)
                {
                    sum += row[j] * _k[j][m];
                }
                target[m] = sum;
            }
        }
        _f0Current = false;
        _w.Invalidate();
    }

    public override void Interpolate(double theta, Span<double> result)
    {
        // y(θ) = (1 − θ) y0 + θ (y1 + (1 − θ)(K_1 + θ (K_2 + θ K_3))), evaluated by Horner's rule in the K_r.
        var n = Dimension;
        var rows = _dense.Length;
        var oneMinus = 1 - theta;
        for (var m = 0; m < n; m++)
        {
            var inner = _dense[rows - 1][m];
            for (var r = rows - 2; r >= 0; r--)
            {
                inner = _dense[r][m] + (theta * inner);
            }
            result[m] = (oneMinus * _start[m]) + (theta * (_end[m] + (oneMinus * inner)));
        }
    }
}

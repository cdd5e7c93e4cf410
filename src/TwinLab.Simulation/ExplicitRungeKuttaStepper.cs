namespace TwinLab.Simulation;

/// <summary>An explicit Runge–Kutta stepper driven by a <see cref="ButcherTableau"/>; allocation-free per step.</summary>
internal sealed class ExplicitRungeKuttaStepper : Stepper
{
    // Hairer's DOPRI5 continuous-extension coefficients.
    private const double D1 = -12715105075.0 / 11282082432, D3 = 87487479700.0 / 32700410799, D4 = -10690763975.0 / 1880347072,
        D5 = 701980252875.0 / 199316789632, D6 = -1453857185.0 / 822651844, D7 = 69997945.0 / 29380423;

    private readonly ButcherTableau _tableau;
    private readonly double[][] _k;
    private readonly double[] _stage;
    private readonly double[] _penultimateStage;
    private readonly double[] _start;
    private readonly double[] _end;
    private readonly double[] _endDerivative;
    private double _h;
    private double _stiffness = double.NaN;

    public ExplicitRungeKuttaStepper(OdeSystem system, ButcherTableau tableau) : base(system)
    {
        _tableau = tableau;
        _k = new double[tableau.Stages][];
        for (var i = 0; i < _k.Length; i++)
        {
            _k[i] = new double[Dimension];
        }
        _stage = new double[Dimension];
        _penultimateStage = new double[Dimension];
        _start = new double[Dimension];
        _end = new double[Dimension];
        _endDerivative = new double[Dimension];
    }

    public override int ErrorOrder => _tableau.ErrorOrder;

    public override bool HasErrorEstimate => _tableau.E is not null;

    public override double StiffnessRatio => _stiffness;

    public override double StabilityBoundary => _tableau.StabilityBoundary;

    public override ReadOnlySpan<double> CurrentDerivative => _k[0];

    public override void Start(double t, double[] y) => System.Evaluate(t, y, _k[0]);

    public override void Attempt(double t, double h, double[] y, double[] yNew, double[] error)
    {
        var tab = _tableau;
        var s = tab.Stages;
        var n = Dimension;
        for (var i = 1; i < s; i++)
        {
            var row = tab.A[i];
            var target = tab.Fsal && i == s - 1 ? yNew : _stage;
            for (var m = 0; m < n; m++)
            {
                var sum = 0.0;
                for (var j = 0; j < row.Length; j++)
                {
                    sum += row[j] * _k[j][m];
                }
                target[m] = y[m] + (h * sum);
            }
            if (tab.Fsal && i == s - 2)
            {
                Array.Copy(_stage, _penultimateStage, n);
            }
            System.Evaluate(t + (tab.C[i] * h), target, _k[i]);
        }
        if (!tab.Fsal)
        {
            for (var m = 0; m < n; m++)
            {
                var sum = 0.0;
                for (var j = 0; j < s; j++)
                {
                    sum += tab.B[j] * _k[j][m];
                }
                yNew[m] = y[m] + (h * sum);
            }
        }
        if (tab.E is { } e)
        {
            for (var m = 0; m < n; m++)
            {
                var sum = 0.0;
                for (var j = 0; j < s; j++)
                {
                    sum += e[j] * _k[j][m];
                }
                error[m] = h * sum;
            }
        }
        else
        {
            Array.Clear(error);
        }
        if (tab.Fsal)
        {
            // Hairer's stiffness estimate: h·|λ| ≈ h ‖k_s − k_{s−1}‖ / ‖y_s − y_{s−1}‖ (both stages at t + h).
            double num = 0, den = 0;
            for (var m = 0; m < n; m++)
            {
                var dk = _k[s - 1][m] - _k[s - 2][m];
                var dy = yNew[m] - _penultimateStage[m];
                num += dk * dk;
                den += dy * dy;
            }
            _stiffness = den > 0 ? h * Math.Sqrt(num / den) : 0;
        }
    }

    public override void Accept(double t, double h, double[] y, double[] yNew)
    {
        _h = h;
        var n = Dimension;
        Array.Copy(y, _start, n);
        Array.Copy(yNew, _end, n);
        if (_tableau.Dense == DenseOutput.Hermite)
        {
            System.Evaluate(t + h, yNew, _endDerivative);
            // Keep the start derivative for interpolation in the last stage slot, and start the next step from the end.
            Array.Copy(_k[0], _k[^1], n);
            Array.Copy(_endDerivative, _k[0], n);
        }
        else
        {
            // First same as last: f at the new point becomes the next step's first stage, and this step's first
            // stage moves to the last slot, where the interpolant reads it.
            (_k[0], _k[^1]) = (_k[^1], _k[0]);
        }
    }

    public override void Interpolate(double theta, Span<double> result)
    {
        var n = Dimension;
        var h = _h;
        switch (_tableau.Dense)
        {
            case DenseOutput.Tsitouras:
            {
                // After the swap: k1 of the step is in the last slot, k7 (f at the end) in the first; k2..k6 in place.
                var r = _tableau.DenseCoefficients!;
                Span<double> b = stackalloc double[7];
                for (var i = 0; i < 7; i++)
                {
                    var ri = r[i];
                    b[i] = theta * (ri[0] + (theta * (ri[1] + (theta * (ri[2] + (theta * ri[3]))))));
                }
                for (var m = 0; m < n; m++)
                {
                    var sum = (b[0] * _k[^1][m]) + (b[6] * _k[0][m]);
                    for (var i = 1; i < 6; i++)
                    {
                        sum += b[i] * _k[i][m];
                    }
                    result[m] = _start[m] + (h * sum);
                }
                break;
            }
            case DenseOutput.DormandPrince:
            {
                var t1 = 1 - theta;
                for (var m = 0; m < n; m++)
                {
                    var k1 = _k[^1][m];
                    var k7 = _k[0][m];
                    var ydiff = _end[m] - _start[m];
                    var bspl = (h * k1) - ydiff;
                    var r4 = ydiff - (h * k7) - bspl;
                    var r5 = h * ((D1 * k1) + (D3 * _k[2][m]) + (D4 * _k[3][m]) + (D5 * _k[4][m]) + (D6 * _k[5][m]) + (D7 * k7));
                    result[m] = _start[m] + (theta * (ydiff + (t1 * (bspl + (theta * (r4 + (t1 * r5)))))));
                }
                break;
            }
            default:
            {
                // Cubic Hermite: start derivative in the last slot, end derivative in the first.
                var t2 = theta * theta;
                var t3 = t2 * theta;
                var h00 = (2 * t3) - (3 * t2) + 1;
                var h10 = t3 - (2 * t2) + theta;
                var h01 = (-2 * t3) + (3 * t2);
                var h11 = t3 - t2;
                for (var m = 0; m < n; m++)
                {
                    result[m] = (h00 * _start[m]) + (h10 * h * _k[^1][m]) + (h01 * _end[m]) + (h11 * h * _k[0][m]);
                }
                break;
            }
        }
    }
}

namespace TwinLab.Simulation;

/// <summary>LU factorisation with partial pivoting of a small dense matrix, in place, allocation-free after creation.</summary>
internal sealed class DenseLu(int n)
{
    private readonly double[] _lu = new double[n * n];
    private readonly int[] _pivot = new int[n];

    /// <summary>Forms and factorises the iteration matrix of a linearly implicit method, <c>W = d·I − s·J</c>, from a
    /// row-major Jacobian; returns false when W is singular to working precision.</summary>
    /// <param name="diagonal">d, added to the diagonal.</param>
    /// <param name="scale">s, the factor of the Jacobian.</param>
    /// <param name="jacobian">J, row-major n × n.</param>
    public bool FactorizeShifted(double diagonal, double scale, ReadOnlySpan<double> jacobian)
    {
        for (var i = 0; i < n * n; i++)
        {
            _lu[i] = -scale * jacobian[i];
        }
        for (var i = 0; i < n; i++)
        {
            _lu[(i * n) + i] += diagonal;
        }
        return Factorize();
    }

    /// <summary>Factorises the matrix formed by <see cref="FactorizeShifted"/>, in place.</summary>
    private bool Factorize()
    {
        var a = _lu;
        for (var k = 0; k < n; k++)
        {
            var p = k;
            var max = Math.Abs(a[(k * n) + k]);
            for (var i = k + 1; i < n; i++)
            {
                var v = Math.Abs(a[(i * n) + k]);
                if (v > max)
                {
                    max = v;
                    p = i;
                }
            }
            if (max == 0 || !double.IsFinite(max))
            {
                return false;
            }
            _pivot[k] = p;
            if (p != k)
            {
                for (var j = 0; j < n; j++)
                {
                    (a[(k * n) + j], a[(p * n) + j]) = (a[(p * n) + j], a[(k * n) + j]);
                }
            }
            var inverse = 1 / a[(k * n) + k];
            for (var i = k + 1; i < n; i++)
            {
                var factor = a[(i * n) + k] *= inverse;
                if (factor != 0)
                {
                    for (var j = k + 1; j < n; j++)
                    {
                        a[(i * n) + j] -= factor * a[(k * n) + j];
                    }
                }
            }
        }
        return true;
    }

    /// <summary>Solves A x = b in place (b becomes x).</summary>
    public void Solve(Span<double> b)
    {
        var a = _lu;
        for (var k = 0; k < n; k++)
        {
            var p = _pivot[k];
            if (p != k)
            {
                (b[k], b[p]) = (b[p], b[k]);
            }
        }
        for (var i = 1; i < n; i++)
        {
            var sum = b[i];
            for (var j = 0; j < i; j++)
            {
                sum -= a[(i * n) + j] * b[j];
            }
            b[i] = sum;
        }
        for (var i = n - 1; i >= 0; i--)
        {
            var sum = b[i];
            for (var j = i + 1; j < n; j++)
            {
                sum -= a[(i * n) + j] * b[j];
            }
            b[i] = sum / a[(i * n) + i];
        }
    }
}

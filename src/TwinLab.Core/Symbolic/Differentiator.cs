namespace TwinLab.Core.Symbolic;

/// <summary>Symbolic differentiation by the chain rule, with simplification at every node so derivatives stay
/// compact. Piecewise functions (abs, min, max, if) are differentiated branch by branch, which is exact everywhere
/// except at the switching points, where the one-sided derivative of the selected branch is returned.</summary>
internal static class Differentiator
{
    public static Expr Differentiate(Expr e, Symbol x)
    {
        ArgumentNullException.ThrowIfNull(x);
        var memo = new Dictionary<Expr, Expr>();
        return D(e, x, memo);
    }

    private static readonly Constant Zero = new(0);
    private static readonly Constant One = new(1);

    private static Expr D(Expr e, Symbol x, Dictionary<Expr, Expr> memo)
    {
        if (memo.TryGetValue(e, out var cached))
        {
            return cached;
        }
        var result = e switch
        {
            Constant => Zero,
            Symbol s => s.Equals(x) ? One : Zero,
            Unary u => DUnary(u, D(u.Operand, x, memo)),
            Binary b => DBinary(b, D(b.Left, x, memo), D(b.Right, x, memo)),
            Conditional c => Sym.If(c.Test, D(c.WhenTrue, x, memo), D(c.WhenFalse, x, memo)).Simplify(),
            _ => throw new NotSupportedException($"Cannot differentiate a {e.GetType().Name} node."),
        };
        memo[e] = result;
        return result;
    }

    private static bool IsZero(Expr e) => e is Constant { Value: 0 };

    private static Expr DUnary(Unary u, Expr da)
    {
        if (IsZero(da))
        {
            return Zero;
        }
        var a = u.Operand;
        Expr outer = u.Operator switch
        {
            UnaryOperator.Negate => new Constant(-1),
            UnaryOperator.Exp => u,
            UnaryOperator.Log => One / a,
            UnaryOperator.Sqrt => One / (new Constant(2) * u),
            UnaryOperator.Abs => Sym.If(a >= Zero, One, new Constant(-1)),
            UnaryOperator.Sin => Sym.Cos(a),
            UnaryOperator.Cos => -Sym.Sin(a),
            UnaryOperator.Tanh => One - Sym.Pow(u, new Constant(2)),
            _ => throw new NotSupportedException($"Cannot differentiate {u.Operator}."),
        };
        if (u.Operator == UnaryOperator.Log)
        {
            return (da / a).Simplify();
        }
        return (outer.Simplify() * da).Simplify();
    }

    private static Expr DBinary(Binary b, Expr da, Expr db)
    {
        if (IsZero(da) && IsZero(db))
        {
            return Zero;
        }
        Expr a = b.Left, c = b.Right;
        Expr result = b.Operator switch
        {
            BinaryOperator.Add => da + db,
            BinaryOperator.Subtract => da - db,
            BinaryOperator.Multiply => (da * c).Simplify() + (a * db).Simplify(),
            BinaryOperator.Divide => IsZero(db)
                ? da / c
                : (da / c).Simplify() - (a * db / Sym.Pow(c, new Constant(2))).Simplify(),
            BinaryOperator.Power => DPower(b, da, db),
            BinaryOperator.Min => Sym.If(a <= c, da, db),
            BinaryOperator.Max => Sym.If(a >= c, da, db),
            _ => throw new NotSupportedException($"Cannot differentiate {b.Operator}."),
        };
        return result.Simplify();
    }

    private static Expr DPower(Binary p, Expr da, Expr db)
    {
        Expr a = p.Left, n = p.Right;
        if (IsZero(db))
        {
            // d(a^n) = n a^(n-1) da, for n free of the variable.
            var lowered = n is Constant k ? new Constant(k.Value - 1) : (n - One).Simplify();
            return (n * Sym.Pow(a, lowered)).Simplify() * da;
        }
        if (IsZero(da))
        {
            // d(c^n) = c^n log(c) dn.
            return (p * Sym.Log(a)).Simplify() * db;
        }
        // d(a^n) = a^n (dn log a + n da / a).
        return p * ((db * Sym.Log(a)).Simplify() + (n * da / a).Simplify());
    }
}

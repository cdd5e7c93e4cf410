namespace TwinLab.Core.Symbolic;

/// <summary>Structural simplification: one bottom-up pass of local rules that never change a value where the
/// original expression is defined (no sub-expression infinite or NaN), other than by the rounding of combined
/// constant factors and merged integer powers.</summary>
internal static class Simplifier
{
    public static Expr Simplify(Expr e) => e.Rewrite(Local);

    private static Expr? Local(Expr e) => e switch
    {
        Unary u => SimplifyUnary(u),
        Binary b => SimplifyBinary(b),
        Conditional c => SimplifyConditional(c),
        _ => null,
    };

    private static bool IsConstant(Expr e, double value) => e is Constant c && c.Value.Equals(value);

    private static Constant? Fold(double value) => double.IsFinite(value) ? new Constant(value) : null;

    private static Expr? SimplifyUnary(Unary u)
    {
        if (u.Operand is Constant c)
        {
            return Fold(Unary.Apply(u.Operator, c.Value));
        }
        return u.Operator switch
        {
            UnaryOperator.Negate when u.Operand is Unary { Operator: UnaryOperator.Negate } inner => inner.Operand,
            UnaryOperator.Negate when u.Operand is Binary { Operator: BinaryOperator.Subtract } d => Simplify(d.Right - d.Left),
            UnaryOperator.Abs when u.Operand is Unary { Operator: UnaryOperator.Abs or UnaryOperator.Exp or UnaryOperator.Sqrt } => u.Operand,
            _ => null,
        };
    }

    private static Expr? SimplifyBinary(Binary b)
    {
        Expr l = b.Left, r = b.Right;
        if (l is Constant cl && r is Constant cr)
        {
            return Fold(Binary.Apply(b.Operator, cl.Value, cr.Value));
        }
        switch (b.Operator)
        {
            case BinaryOperator.Add:
                if (IsConstant(l, 0)) { return r; }
                if (IsConstant(r, 0)) { return l; }
                if (r is Unary { Operator: UnaryOperator.Negate } nr) { return Simplify(l - nr.Operand); }
                if (r is Constant { Value: < 0 } negative) { return new Binary(BinaryOperator.Subtract, l, new Constant(-negative.Value)); }
                if (l is Unary { Operator: UnaryOperator.Negate } nl) { return Simplify(r - nl.Operand); }
                return null;
            case BinaryOperator.Subtract:
                if (IsConstant(r, 0)) { return l; }
                if (IsConstant(l, 0)) { return Simplify(-r); }
                if (l.Equals(r)) { return new Constant(0); }
                if (r is Unary { Operator: UnaryOperator.Negate } n) { return Simplify(l + n.Operand); }
                if (r is Constant { Value: < 0 } negated) { return Simplify(l + new Constant(-negated.Value)); }
                return null;
            case BinaryOperator.Multiply:
                if (IsConstant(l, 0) || IsConstant(r, 0)) { return new Constant(0); }
                if (IsConstant(l, 1)) { return r; }
                if (IsConstant(r, 1)) { return l; }
                if (IsConstant(l, -1)) { return Simplify(-r); }
                if (IsConstant(r, -1)) { return Simplify(-l); }
                if (l is Unary { Operator: UnaryOperator.Negate } ml && r is Unary { Operator: UnaryOperator.Negate } mr)
                {
                    return Simplify(ml.Operand * mr.Operand);
                }
                if (l is Unary { Operator: UnaryOperator.Negate } nl2) { return Simplify(-(nl2.Operand * r)); }
                if (r is Unary { Operator: UnaryOperator.Negate } nr2) { return Simplify(-(l * nr2.Operand)); }
                if (r is Constant && l is not Constant) { return Simplify(r * l); }
                if (l is Constant c1 && r is Binary { Operator: BinaryOperator.Multiply, Left: Constant c2 } scaled)
                {
                    return Simplify(new Constant(c1.Value * c2.Value) * scaled.Right);
                }
                if (l.Equals(r)) { return Simplify(Sym.Pow(l, new Constant(2))); }
                return null;
            case BinaryOperator.Divide:
                if (IsConstant(r, 1)) { return l; }
                if (IsConstant(l, 0) && r is not Constant) { return new Constant(0); }
                if (IsConstant(r, -1)) { return Simplify(-l); }
                if (l.Equals(r)) { return new Constant(1); }
                if (l is Unary { Operator: UnaryOperator.Negate } dl) { return Simplify(-(dl.Operand / r)); }
                if (r is Unary { Operator: UnaryOperator.Negate } dr) { return Simplify(-(l / dr.Operand)); }
                return null;
            case BinaryOperator.Power:
                if (IsConstant(r, 0)) { return new Constant(1); }
                if (IsConstant(r, 1)) { return l; }
                if (IsConstant(l, 1)) { return new Constant(1); }
                if (l is Binary { Operator: BinaryOperator.Power, Right: Constant inner } p && r is Constant outer
                    && double.IsInteger(inner.Value) && double.IsInteger(outer.Value))
                {
                    return Simplify(Sym.Pow(p.Left, new Constant(inner.Value * outer.Value)));
                }
                return null;
            case BinaryOperator.Min:
            case BinaryOperator.Max:
                return l.Equals(r) ? l : null;
            default:
                return null;
        }
    }

    private static Expr? SimplifyConditional(Conditional c)
    {
        if (c.WhenTrue.Equals(c.WhenFalse))
        {
            return c.WhenTrue;
        }
        var operands = c.Test.Operands;
        if (operands.All(o => o is Constant))
        {
            return c.Test.Evaluate(_ => 0) ? c.WhenTrue : c.WhenFalse;
        }
        return null;
    }
}

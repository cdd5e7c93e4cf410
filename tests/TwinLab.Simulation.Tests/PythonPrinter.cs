using System.Globalization;
using System.Text;
using TwinLab.Core.Symbolic;

namespace TwinLab.Simulation.Tests;

/// <summary>Prints an expression as fully parenthesised Python for the SciPy oracle; every symbol other than time
/// gets the prefix <c>v_</c> so that model names never collide with Python keywords.</summary>
internal static class PythonPrinter
{
    public static string Print(Expr e)
    {
        var sb = new StringBuilder();
        Write(sb, e);
        return sb.ToString();
    }

    private static void Write(StringBuilder sb, Expr e)
    {
        switch (e)
        {
            case Constant c:
                sb.Append('(').Append(c.Value.ToString("R", CultureInfo.InvariantCulture)).Append(')');
                break;
            case Symbol s:
                sb.Append(s.Name == Sym.TimeName ? "t" : "v_" + s.Name);
                break;
            case Unary u:
                sb.Append(u.Operator switch
                {
                    UnaryOperator.Negate => "(-",
                    UnaryOperator.Abs => "abs(",
                    UnaryOperator.Exp => "math.exp(",
                    UnaryOperator.Log => "math.log(",
                    UnaryOperator.Sqrt => "math.sqrt(",
                    UnaryOperator.Sin => "math.sin(",
                    UnaryOperator.Cos => "math.cos(",
                    _ => "math.tanh(",
                });
                Write(sb, u.Operand);
                sb.Append(')');
                break;
            case Binary { Operator: BinaryOperator.Min or BinaryOperator.Max } m:
                sb.Append(m.Operator == BinaryOperator.Min ? "min(" : "max(");
                Write(sb, m.Left);
                sb.Append(", ");
                Write(sb, m.Right);
                sb.Append(')');
                break;
            case Binary b:
                sb.Append('(');
                Write(sb, b.Left);
                sb.Append(b.Operator switch
                {
                    BinaryOperator.Add => " + ",
                    BinaryOperator.Subtract => " - ",
                    BinaryOperator.Multiply => " * ",
                    BinaryOperator.Divide => " / ",
                    _ => " ** ",
                });
                Write(sb, b.Right);
                sb.Append(')');
                break;
            case Conditional c:
                sb.Append('(');
                Write(sb, c.WhenTrue);
                sb.Append(" if ");
                Write(sb, c.Test);
                sb.Append(" else ");
                Write(sb, c.WhenFalse);
                sb.Append(')');
                break;
            default:
                throw new NotSupportedException(e.GetType().Name);
        }
    }

    private static void Write(StringBuilder sb, Condition c)
    {
        sb.Append('(');
        switch (c)
        {
            case Comparison k:
                Write(sb, k.Left);
                sb.Append(' ').Append(k.Operator switch
                {
                    ComparisonOperator.Less => "<",
                    ComparisonOperator.LessOrEqual => "<=",
                    ComparisonOperator.Greater => ">",
                    ComparisonOperator.GreaterOrEqual => ">=",
                    ComparisonOperator.Equal => "==",
                    _ => "!=",
                }).Append(' ');
                Write(sb, k.Right);
                break;
            case Logical { Operator: LogicalOperator.Not } n:
                sb.Append("not ");
                Write(sb, n.Left);
                break;
            case Logical l:
                Write(sb, l.Left);
                sb.Append(l.Operator == LogicalOperator.And ? " and " : " or ");
                Write(sb, l.Right!);
                break;
        }
        sb.Append(')');
    }
}

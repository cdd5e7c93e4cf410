using System.Globalization;

namespace TwinLab.Core.Symbolic;

/// <summary>The error raised when expression text cannot be read, with the column where reading stopped.</summary>
public sealed class ExprParseException : FormatException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong and how to fix it.</param>
    /// <param name="text">The text being read.</param>
    /// <param name="column">The 1-based column of the problem.</param>
    public ExprParseException(string message, string text, int column)
        : base($"{message} (column {column} of '{text}')")
    {
        Text = text;
        Column = column;
    }

    /// <summary>Creates the exception with a message only.</summary>
    public ExprParseException() : this("The expression could not be read.", "", 1) { }

    /// <summary>Creates the exception with a message only.</summary>
    /// <param name="message">The message.</param>
    public ExprParseException(string message) : this(message, "", 1) { }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public ExprParseException(string message, Exception innerException) : base(message, innerException) => Text = "";

    /// <summary>The text being read.</summary>
    public string Text { get; }

    /// <summary>The 1-based column of the problem.</summary>
    public int Column { get; }
}

/// <summary>
/// Reads expressions written as infix text, the form <see cref="Expr.ToString"/> prints and model files store:
/// numbers, symbol names, <c>+ - * / ^</c> (power, right-associative, binding tighter than unary minus),
/// parentheses, the functions <c>exp log ln sqrt abs sin cos tanh</c> (one argument), <c>pow min max</c>
/// (two) and <c>if(condition, a, b)</c>, where a condition compares two expressions with
/// <c>&lt; &lt;= &gt; &gt;= == !=</c> and combines comparisons with <c>&amp;&amp; || !</c>.
/// </summary>
public static class ExprParser
{
    private static readonly Dictionary<string, UnaryOperator> UnaryFunctions = new(StringComparer.Ordinal)
    {
        ["exp"] = UnaryOperator.Exp,
        ["log"] = UnaryOperator.Log,
        ["ln"] = UnaryOperator.Log,
        ["sqrt"] = UnaryOperator.Sqrt,
        ["abs"] = UnaryOperator.Abs,
        ["sin"] = UnaryOperator.Sin,
        ["cos"] = UnaryOperator.Cos,
        ["tanh"] = UnaryOperator.Tanh,
    };

    private static readonly Dictionary<string, BinaryOperator> BinaryFunctions = new(StringComparer.Ordinal)
    {
        ["pow"] = BinaryOperator.Power,
        ["min"] = BinaryOperator.Min,
        ["max"] = BinaryOperator.Max,
    };

    /// <summary>Whether a word is a function name and so cannot name a symbol.</summary>
    /// <param name="word">The word.</param>
    public static bool IsReservedWord(string word) =>
        UnaryFunctions.ContainsKey(word) || BinaryFunctions.ContainsKey(word) || word == "if";

    /// <summary>Reads an expression.</summary>
    /// <param name="text">The text, e.g. <c>r * V * log(K / V)</c>.</param>
    /// <returns>The expression tree.</returns>
    /// <exception cref="ExprParseException">The text is not a valid expression; the message gives the column.</exception>
    public static Expr Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var reader = new Reader(text);
        var e = reader.Expression();
        reader.ExpectEnd();
        return e;
    }

    /// <summary>Reads a condition such as <c>V &gt; 100 &amp;&amp; t &lt; 10</c>.</summary>
    /// <param name="text">The text.</param>
    /// <exception cref="ExprParseException">The text is not a valid condition.</exception>
    public static Condition ParseCondition(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var reader = new Reader(text);
        var c = reader.Condition();
        reader.ExpectEnd();
        return c;
    }

    private sealed class Reader(string text)
    {
        private int _pos;

        private ExprParseException Error(string message, int? at = null) => new(message, text, (at ?? _pos) + 1);

        private void SkipSpace()
        {
            while (_pos < text.Length && char.IsWhiteSpace(text[_pos]))
            {
                _pos++;
            }
        }

        private bool Peek(string token)
        {
            SkipSpace();
            return string.CompareOrdinal(text, _pos, token, 0, token.Length) == 0;
        }

        private bool Accept(string token)
        {
            if (Peek(token))
            {
                _pos += token.Length;
                return true;
            }
            return false;
        }

        private void Expect(string token, string what)
        {
            if (!Accept(token))
            {
                throw Error(_pos >= text.Length ? $"Expected '{token}' {what} but the text ended" : $"Expected '{token}' {what} but found '{text[_pos]}'");
            }
        }

        public void ExpectEnd()
        {
            SkipSpace();
            if (_pos < text.Length)
            {
                throw Error($"Unexpected '{text[_pos]}' after a complete expression; check for a missing operator or an unbalanced parenthesis");
            }
        }

        public Expr Expression()
        {
            var left = Term();
            while (true)
            {
                if (Accept("+"))
                {
                    left = new Binary(BinaryOperator.Add, left, Term());
                }
                else if (Peek("-") && !Peek("->"))
                {
                    _pos++;
                    left = new Binary(BinaryOperator.Subtract, left, Term());
                }
                else
                {
                    return left;
                }
            }
        }

        private Expr Term()
        {
            var left = Prefixed();
            while (true)
            {
                if (Accept("*"))
                {
                    left = new Binary(BinaryOperator.Multiply, left, Prefixed());
                }
                else if (Accept("/"))
                {
                    left = new Binary(BinaryOperator.Divide, left, Prefixed());
                }
                else
                {
                    return left;
                }
            }
        }

        private Expr Prefixed()
        {
            if (Accept("-"))
            {
                // A number literal right after the sign is a negative constant, unless it is raised to a power
                // (-2^2 is -(2^2), as in mathematics).
                SkipSpace();
                var start = _pos;
                if (_pos < text.Length && (char.IsAsciiDigit(text[_pos]) || text[_pos] == '.'))
                {
                    var number = Number();
                    if (!Peek("^"))
                    {
                        return new Constant(-number.Value);
                    }
                    _pos = start;
                }
                return new Unary(UnaryOperator.Negate, Prefixed());
            }
            if (Accept("+"))
            {
                return Prefixed();
            }
            return PowerExpression();
        }

        private Expr PowerExpression()
        {
            var b = Primary();
            return Accept("^") ? new Binary(BinaryOperator.Power, b, Prefixed()) : b;
        }

        private Constant Number()
        {
            var start = _pos;
            while (_pos < text.Length && (char.IsAsciiDigit(text[_pos]) || text[_pos] == '.'))
            {
                _pos++;
            }
            if (_pos < text.Length && (text[_pos] == 'e' || text[_pos] == 'E'))
            {
                var save = _pos;
                _pos++;
                if (_pos < text.Length && (text[_pos] == '+' || text[_pos] == '-'))
                {
                    _pos++;
                }
                if (_pos < text.Length && char.IsAsciiDigit(text[_pos]))
                {
                    while (_pos < text.Length && char.IsAsciiDigit(text[_pos]))
                    {
                        _pos++;
                    }
                }
                else
                {
                    _pos = save;
                }
            }
            var literal = text[start.._pos];
            if (!double.TryParse(literal, NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out var value))
            {
                throw Error($"'{literal}' is not a number", start);
            }
            return new Constant(value);
        }

        private Expr Primary()
        {
            SkipSpace();
            if (_pos >= text.Length)
            {
                throw Error("Expected a number, a name or '(' but the text ended");
            }
            var c = text[_pos];
            if (char.IsAsciiDigit(c) || c == '.')
            {
                return Number();
            }
            if (c == '(')
            {
                _pos++;
                var inner = Expression();
                Expect(")", "to close the parenthesis");
                return inner;
            }
            if (char.IsAsciiLetter(c))
            {
                var start = _pos;
                while (_pos < text.Length && (char.IsAsciiLetterOrDigit(text[_pos]) || text[_pos] == '_'))
                {
                    _pos++;
                }
                var name = text[start.._pos];
                if (UnaryFunctions.TryGetValue(name, out var unary))
                {
                    Expect("(", $"after the function name '{name}'");
                    var arg = Expression();
                    Expect(")", $"to close {name}( — it takes one argument");
                    return new Unary(unary, arg);
                }
                if (BinaryFunctions.TryGetValue(name, out var binary))
                {
                    Expect("(", $"after the function name '{name}'");
                    var a = Expression();
                    Expect(",", $"between the two arguments of {name}");
                    var b = Expression();
                    Expect(")", $"to close {name}( — it takes two arguments");
                    return new Binary(binary, a, b);
                }
                if (name == "if")
                {
                    Expect("(", "after 'if'");
                    var test = Condition();
                    Expect(",", "after the condition of if(condition, value if true, value if false)");
                    var whenTrue = Expression();
                    Expect(",", "after the value-if-true of if(condition, value if true, value if false)");
                    var whenFalse = Expression();
                    Expect(")", "to close if(");
                    return new Conditional(test, whenTrue, whenFalse);
                }
                if (Peek("("))
                {
                    throw Error($"'{name}' is not a known function; the functions are exp, log, ln, sqrt, abs, sin, cos, tanh, pow, min, max and if", start);
                }
                return new Symbol(name);
            }
            throw Error($"Unexpected '{c}'; expected a number, a name or '('");
        }

        public Condition Condition()
        {
            var left = Conjunction();
            while (Accept("||"))
            {
                left = new Logical(LogicalOperator.Or, left, Conjunction());
            }
            return left;
        }

        private Condition Conjunction()
        {
            var left = Negation();
            while (Accept("&&"))
            {
                left = new Logical(LogicalOperator.And, left, Negation());
            }
            return left;
        }

        private Condition Negation()
        {
            if (Peek("!") && !Peek("!="))
            {
                _pos++;
                return new Logical(LogicalOperator.Not, Negation(), null);
            }
            if (Peek("("))
            {
                // Either a parenthesised condition or a comparison whose left side starts with '('.
                var save = _pos;
                _pos++;
                try
                {
                    var inner = Condition();
                    Expect(")", "to close the parenthesis");
                    return inner;
                }
                catch (ExprParseException)
                {
                    _pos = save;
                }
            }
            return ComparisonExpression();
        }

        private Comparison ComparisonExpression()
        {
            var left = Expression();
            SkipSpace();
            var at = _pos;
            ComparisonOperator op;
            if (Accept("<=")) { op = ComparisonOperator.LessOrEqual; }
            else if (Accept(">=")) { op = ComparisonOperator.GreaterOrEqual; }
            else if (Accept("==")) { op = ComparisonOperator.Equal; }
            else if (Accept("!=")) { op = ComparisonOperator.NotEqual; }
            else if (Accept("<")) { op = ComparisonOperator.Less; }
            else if (Accept(">")) { op = ComparisonOperator.Greater; }
            else
            {
                throw Error("Expected a comparison (<, <=, >, >=, ==, !=) in the condition", at);
            }
            return new Comparison(op, left, Expression());
        }
    }
}

using System.Globalization;
using System.Text;

namespace TwinLab.Governance.Sbml;

/// <summary>One factor of an SBML unit definition: <c>(multiplier × 10^scale × kind)^exponent</c>.</summary>
/// <param name="Kind">The SBML base unit (<c>second</c>, <c>gram</c>, <c>litre</c>, <c>metre</c>, <c>item</c>, <c>mole</c>, <c>dimensionless</c>).</param>
/// <param name="Exponent">The exponent.</param>
/// <param name="Scale">The power of ten.</param>
/// <param name="Multiplier">The multiplier.</param>
public sealed record SbmlUnit(string Kind, double Exponent, int Scale, double Multiplier);

/// <summary>
/// Translates TwinLab's unit strings (<c>mg/L</c>, <c>1/(cell d)</c>, <c>mm3/d</c>, <c>L/(mg d)</c>) into SBML unit
/// definitions. A string is a product of factors separated by spaces or <c>*</c>, divided with <c>/</c>, grouped with
/// parentheses; a factor is <c>1</c> or a known symbol with an optional power (<c>mm3</c>, <c>cell^2</c>). Known symbols:
/// time s, min, h, d, wk; mass ng, ug, mg, g, kg; volume mL, L; length mm, cm, m; amount nmol, umol, mmol, mol; counts
/// cell, cells, person, persons. Anything else (for example <c>IU</c>, an arbitrary international unit) is unsupported: the element is
/// exported without units and the export report lists it.
/// </summary>
public static class SbmlUnits
{
    private static readonly Dictionary<string, SbmlUnit> Symbols = new(StringComparer.Ordinal)
    {
        ["s"] = new("second", 1, 0, 1),
        ["min"] = new("second", 1, 0, 60),
        ["h"] = new("second", 1, 0, 3600),
        ["d"] = new("second", 1, 0, 86400),
        ["wk"] = new("second", 1, 0, 604800),
        ["ng"] = new("gram", 1, -9, 1),
        ["ug"] = new("gram", 1, -6, 1),
        ["mg"] = new("gram", 1, -3, 1),
        ["g"] = new("gram", 1, 0, 1),
        ["kg"] = new("gram", 1, 3, 1),
        ["mL"] = new("litre", 1, -3, 1),
        ["L"] = new("litre", 1, 0, 1),
        ["mm"] = new("metre", 1, -3, 1),
        ["cm"] = new("metre", 1, -2, 1),
        ["m"] = new("metre", 1, 0, 1),
        ["nmol"] = new("mole", 1, -9, 1),
        ["umol"] = new("mole", 1, -6, 1),
        ["mmol"] = new("mole", 1, -3, 1),
        ["mol"] = new("mole", 1, 0, 1),
        ["cell"] = new("item", 1, 0, 1),
        ["cells"] = new("item", 1, 0, 1),
        ["person"] = new("item", 1, 0, 1),
        ["persons"] = new("item", 1, 0, 1),
    };

    /// <summary>Translates a unit string into SBML unit factors.</summary>
    /// <param name="unit">The TwinLab unit string.</param>
    /// <param name="factors">The factors (empty for a dimensionless unit).</param>
    /// <param name="problem">Why the string cannot be translated, or null.</param>
    /// <returns>Whether the string could be translated.</returns>
    public static bool TryTranslate(string unit, out IReadOnlyList<SbmlUnit> factors, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(unit);
        var parser = new Parser(unit);
        try
        {
            var list = parser.Parse();
            // Merge factors of one kind with the same scale and multiplier (mg/(mg d) → d⁻¹); drop the ones that cancel.
            factors = [.. list.GroupBy(f => (f.Kind, f.Scale, f.Multiplier))
                .Select(g => g.First() with { Exponent = g.Sum(f => f.Exponent) })
                .Where(f => f.Exponent != 0)];
            problem = null;
            return true;
        }
        catch (FormatException e)
        {
            factors = [];
            problem = e.Message;
            return false;
        }
    }

    /// <summary>An SBML unit id for a unit string: letters, digits and underscores (<c>mg/L</c> → <c>mg_per_L</c>).</summary>
    /// <param name="unit">The TwinLab unit string.</param>
    public static string IdFor(string unit)
    {
        ArgumentNullException.ThrowIfNull(unit);
        var sb = new StringBuilder("u_");
        foreach (var c in unit)
        {
            sb.Append(c switch
            {
                '/' => "_per_",
                '^' => "_pow_",
                ' ' or '*' => "_",
                '(' or ')' => "",
                '.' => "p",
                _ when char.IsAsciiLetterOrDigit(c) => c.ToString(),
                _ => "_",
            });
        }
        return sb.ToString();
    }

    private sealed class Parser(string text)
    {
        private int _at;

        public List<SbmlUnit> Parse()
        {
            var result = Product();
            Skip();
            return _at == text.Length ? result : throw Error($"unexpected '{text[_at]}'");
        }

        private FormatException Error(string what) =>
            new($"the unit '{text}' cannot be translated to SBML at position {_at + 1}: {what}");

        private void Skip()
        {
            while (_at < text.Length && text[_at] == ' ')
            {
                _at++;
            }
        }

        private List<SbmlUnit> Product()
        {
            var result = Factor();
            while (true)
            {
                Skip();
                if (_at >= text.Length || text[_at] == ')')
                {
                    return result;
                }
                if (text[_at] == '/')
                {
                    _at++;
                    result.AddRange(Factor().Select(f => f with { Exponent = -f.Exponent }));
                }
                else
                {
                    if (text[_at] == '*')
                    {
                        _at++;
                    }
                    result.AddRange(Factor());
                }
            }
        }

        private List<SbmlUnit> Factor()
        {
            Skip();
            if (_at >= text.Length)
            {
                throw Error("a unit is missing");
            }
            List<SbmlUnit> factors;
            if (text[_at] == '(')
            {
                _at++;
                factors = Product();
                if (_at >= text.Length || text[_at] != ')')
                {
                    throw Error("a ')' is missing");
                }
                _at++;
            }
            else
            {
                var start = _at;
                while (_at < text.Length && char.IsAsciiLetter(text[_at]))
                {
                    _at++;
                }
                var symbol = text[start.._at];
                var digitsStart = _at;
                while (_at < text.Length && char.IsAsciiDigit(text[_at]))
                {
                    _at++;
                }
                var digits = text[digitsStart.._at];
                if (symbol.Length == 0)
                {
                    if (digits == "1")
                    {
                        return [];
                    }
                    throw Error($"'{digits}' is not a unit (only the number 1 may stand alone)");
                }
                if (!Symbols.TryGetValue(symbol, out var unit))
                {
                    _at = start;
                    throw Error($"'{symbol}' is not a unit SBML can express (known: {string.Join(", ", Symbols.Keys)})");
                }
                var power = digits.Length > 0 ? int.Parse(digits, CultureInfo.InvariantCulture) : 1;
                factors = [unit with { Exponent = power }];
            }
            if (_at < text.Length && text[_at] == '^')
            {
                _at++;
                var start = _at;
                while (_at < text.Length && (char.IsAsciiDigit(text[_at]) || text[_at] == '-'))
                {
                    _at++;
                }
                if (!int.TryParse(text[start.._at], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var p))
                {
                    throw Error("a whole-number power is expected after '^'");
                }
                factors = [.. factors.Select(f => f with { Exponent = f.Exponent * p })];
            }
            return factors;
        }
    }
}

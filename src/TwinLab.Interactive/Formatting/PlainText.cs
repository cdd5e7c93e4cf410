using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;

namespace TwinLab.Interactive;

/// <summary>
/// The built-in plain-text representation: strings as they are; numbers in the invariant culture (shortest round-trip
/// form); collections as <c>[ 1, 2, 3 ]</c> (at most <see cref="FormatterRegistry.MaximumItems"/> items, the rest
/// counted); dictionaries as <c>{ key: value }</c>; objects that override <see cref="object.ToString"/> by it, other
/// objects as <c>Type { Property = value, ... }</c>.
/// </summary>
internal static class PlainText
{
    private const int MaximumDepth = 3;

    public static string Format(object? value, int maximumItems)
    {
        var sb = new StringBuilder();
        Append(sb, value, maximumItems, 0);
        return sb.ToString();
    }

    /// <summary>Whether a value is shown as a single scalar (not expanded into items or properties).</summary>
    public static bool IsScalar(object? value) => value is null or string or char or bool or Enum or IFormattable or Type or Delegate
        || value.GetType().IsPrimitive;

    private static void Append(StringBuilder sb, object? value, int maximumItems, int depth)
    {
        switch (value)
        {
            case null:
                sb.Append("null");
                return;
            case string s:
                sb.Append(s);
                return;
            case bool b:
                sb.Append(b ? "True" : "False");
                return;
            case Type t:
                sb.Append(TypeNames.Of(t));
                return;
            case Exception e:
                sb.Append(TypeNames.Of(e.GetType())).Append(": ").Append(e.Message);
                return;
            case IFormattable f:
                sb.Append(f.ToString(null, CultureInfo.InvariantCulture));
                return;
        }
        var type = value.GetType();
        if (HasOwnToString(type) || depth >= MaximumDepth)
        {
            sb.Append(Convert.ToString(value, CultureInfo.InvariantCulture));
            return;
        }
        if (value is ITuple tuple)
        {
            sb.Append('(');
            for (var i = 0; i < tuple.Length; i++)
            {
                if (i > 0)
                {
                    sb.Append(", ");
                }
                Append(sb, tuple[i], maximumItems, depth + 1);
            }
            sb.Append(')');
            return;
        }
        if (value is IDictionary dictionary)
        {
            sb.Append("{ ");
            var count = 0;
            foreach (DictionaryEntry entry in dictionary)
            {
                if (count == maximumItems)
                {
                    sb.Append("... (").Append(dictionary.Count - count).Append(" more) ");
                    break;
                }
                if (count++ > 0)
                {
                    sb.Append(", ");
                }
                Append(sb, entry.Key, maximumItems, depth + 1);
                sb.Append(": ");
                Append(sb, entry.Value, maximumItems, depth + 1);
            }
            sb.Append(count > 0 ? " }" : "}");
            return;
        }
        if (value is IEnumerable enumerable)
        {
            sb.Append("[ ");
            var count = 0;
            var more = 0;
            foreach (var item in enumerable)
            {
                if (count >= maximumItems)
                {
                    more++;
                    continue;
                }
                if (count++ > 0)
                {
                    sb.Append(", ");
                }
                Append(sb, item, maximumItems, depth + 1);
            }
            if (more > 0)
            {
                sb.Append(", ... (").Append(more).Append(" more)");
            }
            sb.Append(count > 0 ? " ]" : "]");
            return;
        }
        var properties = ReadableProperties(type);
        sb.Append(TypeNames.Of(type));
        if (properties.Count == 0)
        {
            return;
        }
        sb.Append(" { ");
        for (var i = 0; i < properties.Count; i++)
        {
            if (i > 0)
            {
                sb.Append(", ");
            }
            sb.Append(properties[i].Name).Append(" = ");
            Append(sb, ReadProperty(properties[i], value), maximumItems, depth + 1);
        }
        sb.Append(" }");
    }

    /// <summary>Public instance properties without index parameters, in declaration order.</summary>
    public static IReadOnlyList<PropertyInfo> ReadableProperties(Type type) =>
        [.. type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanRead && p.GetIndexParameters().Length == 0)];

    /// <summary>A property's value, or the exception's message in angle brackets when the getter throws.</summary>
    public static object? ReadProperty(PropertyInfo property, object target)
    {
        try
        {
            return property.GetValue(target);
        }
        catch (TargetInvocationException e)
        {
            return $"<{e.InnerException?.GetType().Name ?? "error"}>";
        }
    }

    /// <summary>Whether a type (or a base class other than object/ValueType) declares its own ToString.</summary>
    public static bool HasOwnToString(Type type)
    {
        var method = type.GetMethod(nameof(ToString), BindingFlags.Public | BindingFlags.Instance, Type.EmptyTypes);
        if (method is null)
        {
            return false;
        }
        var declaring = method.DeclaringType;
        return declaring != typeof(object) && declaring != typeof(ValueType);
    }
}

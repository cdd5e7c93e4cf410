using System.Text;

namespace TwinLab.Interactive;

/// <summary>Type names as C# source spells them (<c>List&lt;int&gt;</c>, <c>double[]</c>, <c>(int, string)</c>).</summary>
public static class TypeNames
{
    private static readonly Dictionary<Type, string> Keywords = new()
    {
        [typeof(bool)] = "bool", [typeof(byte)] = "byte", [typeof(sbyte)] = "sbyte", [typeof(char)] = "char",
        [typeof(short)] = "short", [typeof(ushort)] = "ushort", [typeof(int)] = "int", [typeof(uint)] = "uint",
        [typeof(long)] = "long", [typeof(ulong)] = "ulong", [typeof(float)] = "float", [typeof(double)] = "double",
        [typeof(decimal)] = "decimal", [typeof(string)] = "string", [typeof(object)] = "object", [typeof(void)] = "void",
        [typeof(nint)] = "nint", [typeof(nuint)] = "nuint",
    };

    /// <summary>The C# name of a type, without namespaces.</summary>
    /// <param name="type">The type.</param>
    /// <returns>The name, e.g. <c>Dictionary&lt;string, double[]&gt;</c>.</returns>
    public static string Of(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        var sb = new StringBuilder();
        Append(sb, type);
        return sb.ToString();
    }

    private static void Append(StringBuilder sb, Type type)
    {
        if (Keywords.TryGetValue(type, out var keyword))
        {
            sb.Append(keyword);
            return;
        }
        if (type.IsArray)
        {
            Append(sb, type.GetElementType()!);
            sb.Append('[').Append(',', type.GetArrayRank() - 1).Append(']');
            return;
        }
        if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            Append(sb, underlying);
            sb.Append('?');
            return;
        }
        if (type.IsGenericType && type.FullName?.StartsWith("System.ValueTuple`", StringComparison.Ordinal) == true)
        {
            sb.Append('(');
            var items = type.GetGenericArguments();
            for (var i = 0; i < items.Length; i++)
            {
                if (i > 0)
                {
                    sb.Append(", ");
                }
                Append(sb, items[i]);
            }
            sb.Append(')');
            return;
        }
        if (type.IsNested && !type.IsGenericParameter && !IsScriptClass(type.DeclaringType!))
        {
            Append(sb, type.DeclaringType!);
            sb.Append('.');
        }
        var name = type.Name;
        var tick = name.IndexOf('`', StringComparison.Ordinal);
        if (tick >= 0)
        {
            name = name[..tick];
        }
        if (name.StartsWith("<>f__AnonymousType", StringComparison.Ordinal))
        {
            sb.Append("anonymous");
            return;
        }
        sb.Append(name);
        if (type.IsGenericType)
        {
            var arguments = type.GetGenericArguments();
            var own = type.IsNested ? arguments.Skip(type.DeclaringType!.GetGenericArguments().Length).ToArray() : arguments;
            if (own.Length > 0)
            {
                sb.Append('<');
                for (var i = 0; i < own.Length; i++)
                {
                    if (i > 0)
                    {
                        sb.Append(", ");
                    }
                    Append(sb, own[i]);
                }
                sb.Append('>');
            }
        }
    }

    /// <summary>Whether a type is the class a script submission compiles into (its nested types are the user's).</summary>
    private static bool IsScriptClass(Type type) => type.Name.StartsWith("Submission#", StringComparison.Ordinal);
}

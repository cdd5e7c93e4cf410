using System.Reflection;

namespace TwinLab.Interactive;

/// <summary>
/// Registers TwinLab's formatters with Polyglot Notebooks (.NET Interactive), whose formatting API is
/// <c>Microsoft.DotNet.Interactive.Formatting.Formatter</c>. TwinLab has no compile-time reference to .NET Interactive:
/// the formatter class is found among the loaded assemblies and called by reflection. The package's
/// <c>interactive-extensions/dotnet/extension.dib</c> calls <see cref="Register()"/> when the package is referenced.
/// </summary>
public static class PolyglotFormatters
{
    /// <summary>The full name of .NET Interactive's formatter class.</summary>
    public const string FormatterTypeName = "Microsoft.DotNet.Interactive.Formatting.Formatter";

    /// <summary>Registers, with the loaded .NET Interactive, a formatter for each MIME type of each TwinLab type that
    /// <see cref="FormatterRegistry.Default"/> formats, and each type's preferred MIME type.</summary>
    /// <returns>The number of formatters registered.</returns>
    /// <exception cref="InvalidOperationException">.NET Interactive is not loaded (this is not a Polyglot notebook), or
    /// its formatter API has no method of the expected shape.</exception>
    public static int Register()
    {
        var formatter = AppDomain.CurrentDomain.GetAssemblies()
            .Select(a => a.GetType(FormatterTypeName, throwOnError: false))
            .FirstOrDefault(t => t is not null)
            ?? throw new InvalidOperationException($"{FormatterTypeName} is not loaded: TwinLab's Polyglot formatters are registered inside Polyglot Notebooks (.NET Interactive) only. In Jupyter, use the TwinLab kernel ('twinlab kernel install'), which formats values itself.");
        return Register(formatter, FormatterRegistry.Default);
    }

    /// <summary>Registers the formatters of <paramref name="registry"/> for TwinLab types through a class with the
    /// static methods of .NET Interactive's <c>Formatter</c>: <c>Register(Type, Action&lt;object, TextWriter&gt;,
    /// string mimeType, ...)</c> and <c>SetPreferredMimeTypeFor(Type, string, ...)</c> or
    /// <c>SetPreferredMimeTypesFor(Type, params string[])</c>. Optional parameters after those get their defaults.</summary>
    /// <param name="formatterType">The formatter class.</param>
    /// <param name="registry">The formatters to register.</param>
    /// <returns>The number of formatters registered.</returns>
    /// <exception cref="InvalidOperationException">The class has no Register method of that shape.</exception>
    public static int Register(Type formatterType, FormatterRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(formatterType);
        ArgumentNullException.ThrowIfNull(registry);
        var methods = formatterType.GetMethods(BindingFlags.Public | BindingFlags.Static);
        var register = methods.FirstOrDefault(m => m.Name == "Register" && !m.IsGenericMethod && Accepts(m, typeof(Type), typeof(Action<object, TextWriter>), typeof(string)))
            ?? throw new InvalidOperationException($"{formatterType.FullName} has no Register(Type, Action<object, TextWriter>, string) method; this version of .NET Interactive is not supported.");
        var prefer = methods.FirstOrDefault(m => m.Name == "SetPreferredMimeTypesFor" && Accepts(m, typeof(Type), typeof(string[])))
            ?? methods.FirstOrDefault(m => m.Name == "SetPreferredMimeTypeFor" && Accepts(m, typeof(Type), typeof(string)));
        var count = 0;
        foreach (var type in registry.RegisteredTypes.Where(IsTwinLabType))
        {
            foreach (var mimeType in registry.MimeTypesFor(type))
            {
                var mime = mimeType;
                Action<object, TextWriter> write = (value, writer) =>
                {
                    var bundle = registry.Format(value);
                    writer.Write(bundle.TryGetValue(mime, out var text) ? text : bundle.PlainText);
                };
                Invoke(register, type, write, mime);
                count++;
            }
            if (prefer is not null)
            {
                var preferred = registry.PreferredMimeType(type);
                if (prefer.GetParameters()[1].ParameterType == typeof(string[]))
                {
                    Invoke(prefer, type, new[] { preferred });
                }
                else
                {
                    Invoke(prefer, type, preferred);
                }
            }
        }
        return count;
    }

    /// <summary>Whether a type is TwinLab's own (other types keep .NET Interactive's formatting).</summary>
    private static bool IsTwinLabType(Type type) => type.Namespace?.StartsWith("TwinLab.", StringComparison.Ordinal) == true;

    private static bool Accepts(MethodInfo method, params Type[] leading)
    {
        var parameters = method.GetParameters();
        if (parameters.Length < leading.Length)
        {
            return false;
        }
        for (var i = 0; i < parameters.Length; i++)
        {
            if (i < leading.Length ? parameters[i].ParameterType != leading[i] : !parameters[i].HasDefaultValue)
            {
                return false;
            }
        }
        return true;
    }

    private static void Invoke(MethodInfo method, params object[] leading)
    {
        var parameters = method.GetParameters();
        var arguments = new object?[parameters.Length];
        for (var i = 0; i < parameters.Length; i++)
        {
            arguments[i] = i < leading.Length ? leading[i] : parameters[i].DefaultValue;
        }
        method.Invoke(null, arguments);
    }
}

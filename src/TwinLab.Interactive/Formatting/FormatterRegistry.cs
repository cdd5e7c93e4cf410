namespace TwinLab.Interactive;

/// <summary>
/// Turns values into <see cref="MimeBundle"/>s for notebooks. Every value gets <c>text/plain</c>; a formatter registered
/// for a type adds (or replaces) one MIME type for values of that type and its subtypes. For each MIME type the most
/// specific registration wins (the value's own type, then its base classes nearest first, then interfaces); among
/// equally specific ones, the latest. Built-in formatters give collections HTML tables (records with column types,
/// paging and summaries), models LaTeX equations and HTML parameter tables, solutions and ensembles summaries with
/// charts and fan charts, patient tables and distributions summaries (distributions with a density plot), and charts
/// SVG, plotly.js and HTML. Each type also has a preferred MIME type (<see cref="PreferredMimeType"/>) for front ends
/// that show only one form.
/// </summary>
/// <example>
/// <code>
/// Formatter.Default.Register&lt;Patient&gt;(MimeTypes.Html, p =&gt; $"&lt;b&gt;{p.Id}&lt;/b&gt; age {p.Age}");
/// </code>
/// </example>
public sealed class FormatterRegistry
{
    private readonly Lock _gate = new();
    private Registration[] _registrations = [];
    private Dictionary<Type, Registration[]> _resolved = [];
    private Preference[] _preferences = [];
    private readonly int _builtInCount;
    private readonly int _builtInPreferenceCount;

    /// <summary>Creates a registry with the built-in formatters.</summary>
    public FormatterRegistry()
    {
        BuiltInFormatters.RegisterAll(this);
        _builtInCount = _registrations.Length;
        _builtInPreferenceCount = _preferences.Length;
    }

    /// <summary>The registry that notebooks use.</summary>
    public static FormatterRegistry Default { get; } = new();

    /// <summary>The most items of a collection that formatters show (the rest are counted).</summary>
    public int MaximumItems { get; set; } = 100;

    /// <summary>The most rows of a table (a collection of records, a patient table) that formatters show; the rest are
    /// counted, and summarised with the shown ones.</summary>
    public int MaximumTableRows { get; set; } = 20;

    /// <summary>Registers a formatter for values of type <typeparamref name="T"/> (and its subtypes).</summary>
    /// <typeparam name="T">The type of values the formatter handles.</typeparam>
    /// <param name="mimeType">The MIME type it produces, e.g. <see cref="MimeTypes.Html"/>.</param>
    /// <param name="formatter">Produces the representation, or null to decline (a less specific formatter is then used).</param>
    public void Register<T>(string mimeType, Func<T, string?> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        Register(typeof(T), mimeType, value => formatter((T)value));
    }

    /// <summary>Registers a formatter for values of <paramref name="type"/> (and its subtypes).</summary>
    /// <param name="type">The type of values the formatter handles.</param>
    /// <param name="mimeType">The MIME type it produces.</param>
    /// <param name="formatter">Produces the representation, or null to decline.</param>
    /// <exception cref="ArgumentException"><paramref name="mimeType"/> is not of the form <c>type/subtype</c>.</exception>
    public void Register(Type type, string mimeType, Func<object, string?> formatter)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(mimeType);
        ArgumentNullException.ThrowIfNull(formatter);
        CheckMimeType(mimeType);
        lock (_gate)
        {
            _registrations = [.. _registrations, new Registration(type, mimeType, formatter, _registrations.Length)];
            _resolved = [];
        }
    }

    /// <summary>Says which representation a front end that shows only one (Polyglot Notebooks) should choose for
    /// values of type <typeparamref name="T"/> and its subtypes.</summary>
    /// <typeparam name="T">The type of values.</typeparam>
    /// <param name="mimeType">The preferred MIME type, e.g. <see cref="MimeTypes.Html"/>.</param>
    public void SetPreferredMimeType<T>(string mimeType) => SetPreferredMimeType(typeof(T), mimeType);

    /// <summary>Says which representation a front end that shows only one should choose for values of
    /// <paramref name="type"/> and its subtypes (the most specific preference wins, as for formatters).</summary>
    /// <param name="type">The type of values.</param>
    /// <param name="mimeType">The preferred MIME type.</param>
    /// <exception cref="ArgumentException"><paramref name="mimeType"/> is not of the form <c>type/subtype</c>.</exception>
    public void SetPreferredMimeType(Type type, string mimeType)
    {
        ArgumentNullException.ThrowIfNull(type);
        CheckMimeType(mimeType);
        lock (_gate)
        {
            _preferences = [.. _preferences, new Preference(type, mimeType, _preferences.Length)];
        }
    }

    /// <summary>The representation to show for values of <paramref name="type"/> when only one is shown: the most
    /// specific preference set for the type, its base classes or interfaces; otherwise <c>text/html</c> when an HTML
    /// formatter applies, else <c>text/plain</c>.</summary>
    /// <param name="type">The type of the value.</param>
    /// <returns>The MIME type.</returns>
    public string PreferredMimeType(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        Preference[] preferences;
        lock (_gate)
        {
            preferences = _preferences;
        }
        var preferred = preferences
            .Select(p => (Preference: p, Distance: Distance(type, p.Type)))
            .Where(x => x.Distance >= 0)
            .OrderBy(x => x.Distance)
            .ThenByDescending(x => x.Preference.Order)
            .Select(x => x.Preference.MimeType)
            .FirstOrDefault();
        return preferred ?? (Resolve(type).Any(r => r.MimeType == MimeTypes.Html) ? MimeTypes.Html : MimeTypes.PlainText);
    }

    /// <summary>The types that have a formatter or a preference registered (what a bridge to another formatting
    /// system registers), each once, in registration order.</summary>
    public IReadOnlyList<Type> RegisteredTypes
    {
        get
        {
            lock (_gate)
            {
                return [.. _registrations.Select(r => r.Type).Concat(_preferences.Select(p => p.Type)).Distinct()];
            }
        }
    }

    /// <summary>The MIME types that formatters registered for <paramref name="type"/>, its base classes or its interfaces
    /// produce (each once; a formatter may still decline a particular value).</summary>
    /// <param name="type">The type of values.</param>
    /// <returns>The MIME types, most specific registration first.</returns>
    public IReadOnlyList<string> MimeTypesFor(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return [.. Resolve(type).Select(r => r.MimeType).Distinct(StringComparer.Ordinal)];
    }

    /// <summary>Removes every formatter registered after construction, leaving the built-in ones.</summary>
    public void Reset()
    {
        lock (_gate)
        {
            _registrations = _registrations[.._builtInCount];
            _preferences = _preferences[.._builtInPreferenceCount];
            _resolved = [];
        }
    }

    /// <summary>Formats a value into every MIME type a formatter exists for; <c>text/plain</c> is always included.</summary>
    /// <param name="value">The value (null is shown as <c>null</c>).</param>
    /// <returns>The bundle.</returns>
    public MimeBundle Format(object? value)
    {
        var data = new Dictionary<string, string>(StringComparer.Ordinal);
        if (value is not null)
        {
            foreach (var registration in Resolve(value.GetType()))
            {
                if (data.ContainsKey(registration.MimeType))
                {
                    continue;
                }
                var text = registration.Formatter(value);
                if (text is not null)
                {
                    data[registration.MimeType] = text;
                }
            }
        }
        if (!data.ContainsKey(MimeTypes.PlainText))
        {
            data[MimeTypes.PlainText] = PlainText.Format(value, MaximumItems);
        }
        return new MimeBundle(data);
    }

    /// <summary>The plain-text representation of a value.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The text.</returns>
    public string FormatPlainText(object? value) => Format(value).PlainText;

    /// <summary>The registrations that apply to <paramref name="type"/>, most specific first (ties: latest first).</summary>
    private Registration[] Resolve(Type type)
    {
        var resolved = _resolved;
        if (resolved.TryGetValue(type, out var cached))
        {
            return cached;
        }
        Registration[] registrations;
        lock (_gate)
        {
            registrations = _registrations;
        }
        var applicable = registrations
            .Select(r => (Registration: r, Distance: Distance(type, r.Type)))
            .Where(x => x.Distance >= 0)
            .OrderBy(x => x.Distance)
            .ThenByDescending(x => x.Registration.Order)
            .Select(x => x.Registration)
            .ToArray();
        lock (_gate)
        {
            if (ReferenceEquals(registrations, _registrations))
            {
                _resolved = new Dictionary<Type, Registration[]>(_resolved) { [type] = applicable };
            }
        }
        return applicable;
    }

    /// <summary>How far <paramref name="target"/> is from <paramref name="type"/>: 0 for the type itself, the number of
    /// base-class steps for a base class, 1000 for an interface, 10000 for <see cref="object"/>, −1 if unrelated.</summary>
    private static int Distance(Type type, Type target)
    {
        if (target == typeof(object))
        {
            return 10_000;
        }
        if (target.IsInterface)
        {
            return target.IsAssignableFrom(type) ? 1000 : -1;
        }
        var distance = 0;
        for (var current = type; current is not null; current = current.BaseType, distance++)
        {
            if (current == target || (target.IsGenericTypeDefinition && current.IsGenericType && current.GetGenericTypeDefinition() == target))
            {
                return distance;
            }
        }
        return -1;
    }

    private static void CheckMimeType(string mimeType)
    {
        ArgumentNullException.ThrowIfNull(mimeType);
        if (mimeType.IndexOf('/', StringComparison.Ordinal) <= 0 || mimeType.EndsWith('/'))
        {
            throw new ArgumentException($"'{mimeType}' is not a MIME type (type/subtype, e.g. text/html).", nameof(mimeType));
        }
    }

    private sealed record Preference(Type Type, string MimeType, int Order);

    private sealed record Registration(Type Type, string MimeType, Func<object, string?> Formatter, int Order);
}

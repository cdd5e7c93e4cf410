namespace TwinLab.Interactive;

/// <summary>
/// Where displayed values go: a notebook host (the kernel, the headless runner) implements this and installs it with
/// <see cref="Display.UseSink"/> while a cell runs.
/// </summary>
public interface IDisplaySink
{
    /// <summary>Adds an output and returns the identifier under which it can be updated.</summary>
    /// <param name="bundle">The formatted value.</param>
    /// <returns>The display identifier.</returns>
    string Show(MimeBundle bundle);

    /// <summary>Replaces an earlier output, wherever it is, with a new value.</summary>
    /// <param name="displayId">The identifier <see cref="Show"/> returned.</param>
    /// <param name="bundle">The new formatted value.</param>
    void Update(string displayId, MimeBundle bundle);

    /// <summary>Clears the outputs of the running cell.</summary>
    /// <param name="wait">Whether to wait until the next output arrives before clearing (avoids flicker).</param>
    void Clear(bool wait);
}

/// <summary>An output shown with <see cref="Display.Show(object?)"/> that can be replaced in place.</summary>
public sealed class DisplayHandle
{
    private readonly IDisplaySink _origin;
    private readonly FormatterRegistry _formatters;

    internal DisplayHandle(string displayId, IDisplaySink origin, FormatterRegistry formatters)
    {
        DisplayId = displayId;
        _origin = origin;
        _formatters = formatters;
    }

    /// <summary>The display identifier.</summary>
    public string DisplayId { get; }

    /// <summary>Replaces the output with <paramref name="value"/>, formatted like any displayed value.</summary>
    /// <param name="value">The new value.</param>
    public void Update(object? value) => (Display.CurrentSink ?? _origin).Update(DisplayId, _formatters.Format(value));

    /// <inheritdoc />
    public override string ToString() => $"display {DisplayId}";
}

/// <summary>
/// Shows values in the notebook: <c>display(x)</c> in a cell is <see cref="Show(object?)"/>. Outside a notebook the
/// plain-text form is written to the console.
/// </summary>
public static class Display
{
    private static readonly AsyncLocal<Scope?> Current = new();

    /// <summary>The sink of the cell running on this logical thread, or null outside notebooks.</summary>
    public static IDisplaySink? CurrentSink => Current.Value?.Sink;

    /// <summary>The formatters in use on this logical thread (<see cref="FormatterRegistry.Default"/> outside notebooks).</summary>
    public static FormatterRegistry Formatters => Current.Value?.Formatters ?? FormatterRegistry.Default;

    /// <summary>Shows a value as a new output.</summary>
    /// <param name="value">The value.</param>
    /// <returns>A handle whose <see cref="DisplayHandle.Update"/> replaces this output.</returns>
    public static DisplayHandle Show(object? value)
    {
        var formatters = Formatters;
        var sink = CurrentSink ?? ConsoleSink.Instance;
        var id = sink.Show(formatters.Format(value));
        return new DisplayHandle(id, sink, formatters);
    }

    /// <summary>Clears the outputs of the running cell.</summary>
    /// <param name="wait">Whether to wait until the next output arrives.</param>
    public static void Clear(bool wait = false) => (CurrentSink ?? ConsoleSink.Instance).Clear(wait);

    /// <summary>Sends displayed values on this logical thread (and the tasks and threads it starts) to a sink until
    /// the returned scope is disposed.</summary>
    /// <param name="sink">The sink.</param>
    /// <param name="formatters">The formatters (default <see cref="FormatterRegistry.Default"/>).</param>
    /// <returns>The scope; dispose it to restore the previous sink.</returns>
    public static IDisposable UseSink(IDisplaySink sink, FormatterRegistry? formatters = null)
    {
        ArgumentNullException.ThrowIfNull(sink);
        var scope = new Scope(sink, formatters ?? FormatterRegistry.Default, Current.Value);
        Current.Value = scope;
        return scope;
    }

    private sealed class Scope(IDisplaySink sink, FormatterRegistry formatters, Scope? previous) : IDisposable
    {
        public IDisplaySink Sink { get; } = sink;

        public FormatterRegistry Formatters { get; } = formatters;

        public void Dispose() => Current.Value = previous;
    }

    /// <summary>Writes plain text to the console (used outside notebooks).</summary>
    private sealed class ConsoleSink : IDisplaySink
    {
        public static readonly ConsoleSink Instance = new();
        private int _count;

        public string Show(MimeBundle bundle)
        {
            Console.Out.WriteLine(bundle.PlainText);
            return $"console-{Interlocked.Increment(ref _count)}";
        }

        public void Update(string displayId, MimeBundle bundle) => Console.Out.WriteLine(bundle.PlainText);

        public void Clear(bool wait)
        {
        }
    }
}

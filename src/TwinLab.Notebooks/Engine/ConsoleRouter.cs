using System.Text;

namespace TwinLab.Notebooks.Engine;

/// <summary>Where a running cell's console goes.</summary>
internal interface ICellConsole
{
    void Write(string stream, string text);

    void Flush();

    string? ReadLine();
}

/// <summary>
/// Routes <see cref="Console.Out"/>, <see cref="Console.Error"/> and <see cref="Console.In"/> to the cell running on
/// the current logical thread (tasks and threads a cell starts inherit it); anything written outside a cell goes to
/// the process's own console. Installed once per process, so several engines can run side by side.
/// </summary>
internal static class ConsoleRouter
{
    private static readonly AsyncLocal<ICellConsole?> Current = new();
    private static readonly Lock Gate = new();
    private static bool s_installed;

    public static void Install()
    {
        lock (Gate)
        {
            if (s_installed)
            {
                return;
            }
            var stdout = Console.Out;
            var stderr = Console.Error;
            var stdin = Console.In;
            Console.SetOut(new RoutingWriter("stdout", stdout));
            Console.SetError(new RoutingWriter("stderr", stderr));
            Console.SetIn(new RoutingReader(stdin));
            s_installed = true;
        }
    }

    public static IDisposable Use(ICellConsole console)
    {
        var previous = Current.Value;
        Current.Value = console;
        return new Restore(previous);
    }

    private sealed class Restore(ICellConsole? previous) : IDisposable
    {
        public void Dispose() => Current.Value = previous;
    }

    private sealed class RoutingWriter : TextWriter
    {
        private readonly string stream;
        private readonly TextWriter fallback;

        public RoutingWriter(string stream, TextWriter fallback)
        {
            this.stream = stream;
            this.fallback = fallback;
            NewLine = "\n"; // the same on every platform, so that notebooks are too
        }

        public override Encoding Encoding => Encoding.UTF8;

        private static ICellConsole? Target => Current.Value;

        public override void Write(char value) => Write(value.ToString());

        public override void Write(string? value)
        {
            if (string.IsNullOrEmpty(value))
            {
                return;
            }
            if (Target is { } target)
            {
                target.Write(stream, value);
            }
            else
            {
                fallback.Write(value);
            }
        }

        public override void Write(char[] buffer, int index, int count) => Write(new string(buffer, index, count));

        public override void Write(ReadOnlySpan<char> buffer) => Write(new string(buffer));

        public override void WriteLine() => Write("\n");

        public override void WriteLine(string? value) => Write((value ?? "") + "\n");

        public override void WriteLine(ReadOnlySpan<char> buffer) => Write(string.Concat(buffer, "\n"));

        public override void Flush()
        {
            if (Target is { } target)
            {
                target.Flush();
            }
            else
            {
                fallback.Flush();
            }
        }
    }

    private sealed class RoutingReader(TextReader fallback) : TextReader
    {
        public override string? ReadLine() => Current.Value is { } target ? target.ReadLine() : fallback.ReadLine();

        public override int Read()
        {
            if (Current.Value is null)
            {
                return fallback.Read();
            }
            throw new NotSupportedException("In a notebook, read input a line at a time with Console.ReadLine().");
        }

        public override int Peek() => Current.Value is null ? fallback.Peek() : -1;
    }
}

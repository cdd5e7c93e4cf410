using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text;
using Microsoft.CodeAnalysis;
using TwinLab.Interactive;

namespace TwinLab.Notebooks.Engine;

/// <summary>Turns compile diagnostics and exceptions into <see cref="ExecutionError"/>s that point at the cell's own
/// lines: <c>cell 3 (2,5): error CS0103: ...</c> with the line and a caret, or a stack trace trimmed to the user's
/// frames (<c>at F(int a) in cell 3, line 4</c>).</summary>
internal static class ErrorFormatter
{
    public const string CompilationErrorName = "CompilationError";

    public static ExecutionError Compilation(IReadOnlyList<Diagnostic> errors, string code, string cellName)
    {
        var lines = code.Split('\n');
        var traceback = new List<string>();
        string? first = null;
        foreach (var diagnostic in errors)
        {
            var message = diagnostic.GetMessage(CultureInfo.InvariantCulture);
            string text;
            if (diagnostic.Location.IsInSource)
            {
                var span = diagnostic.Location.GetLineSpan().StartLinePosition;
                text = $"({span.Line + 1},{span.Character + 1}): error {diagnostic.Id}: {message}";
                traceback.Add($"{cellName} {text}");
                if (span.Line < lines.Length)
                {
                    var source = lines[span.Line].TrimEnd('\r');
                    traceback.Add("    " + source);
                    traceback.Add("    " + new string(' ', Math.Min(span.Character, source.Length)) + "^");
                }
            }
            else
            {
                text = $"error {diagnostic.Id}: {message}";
                traceback.Add($"{cellName}: {text}");
            }
            first ??= text;
        }
        var value = (first ?? "the cell does not compile") + (errors.Count > 1 ? $" (and {errors.Count - 1} more)" : "");
        return new ExecutionError(CompilationErrorName, value, traceback);
    }

    public static ExecutionError Magic(IReadOnlyList<string> errors, string cellName) =>
        new("MagicError", errors[0], [.. errors.Select(e => $"{cellName} {e}")]);

    public static ExecutionError Runtime(Exception exception, string? nameOverride = null, string? valueOverride = null)
    {
        exception = Unwrap(exception);
        var name = nameOverride ?? exception.GetType().Name;
        var value = valueOverride ?? exception.Message;
        var traceback = new List<string> { $"{name}: {value}" };
        traceback.AddRange(Frames(exception));
        for (var inner = exception.InnerException; inner is not null; inner = inner.InnerException)
        {
            traceback.Add($" ---> {inner.GetType().Name}: {inner.Message}");
        }
        return new ExecutionError(name, value, traceback);
    }

    private static Exception Unwrap(Exception exception)
    {
        while (true)
        {
            switch (exception)
            {
                case AggregateException { InnerExceptions.Count: 1 } aggregate:
                    exception = aggregate.InnerExceptions[0];
                    continue;
                case TargetInvocationException { InnerException: { } inner }:
                    exception = inner;
                    continue;
                default:
                    return exception;
            }
        }
    }

    /// <summary>The frames up to the outermost cell frame, without the scripting host and the async machinery.</summary>
    private static List<string> Frames(Exception exception)
    {
        var frames = new StackTrace(exception, fNeedFileInfo: true).GetFrames();
        var last = -1;
        for (var i = 0; i < frames.Length; i++)
        {
            if (IsCellFrame(frames[i]))
            {
                last = i;
            }
        }
        var count = last >= 0 ? last + 1 : Math.Min(frames.Length, 12);
        var result = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var method = frames[i].GetMethod();
            if (method is null || IsPlumbing(method))
            {
                continue;
            }
            result.Add(IsCellFrame(frames[i]) ? CellFrame(frames[i], method) : LibraryFrame(method));
        }
        return result;
    }

    private static bool IsCellFrame(StackFrame frame)
    {
        var type = frame.GetMethod()?.DeclaringType;
        while (type?.DeclaringType is not null)
        {
            type = type.DeclaringType;
        }
        return type?.Name.StartsWith("Submission#", StringComparison.Ordinal) == true;
    }

    private static bool IsPlumbing(MethodBase method)
    {
        if (method.DeclaringType == typeof(CancellationToken) || method.DeclaringType == typeof(CellCancellation))
        {
            return true; // how an interrupt is delivered, not where the cell was
        }
        var ns = method.DeclaringType?.Namespace ?? "";
        return ns.StartsWith("System.Runtime.CompilerServices", StringComparison.Ordinal)
            || ns.StartsWith("System.Runtime.ExceptionServices", StringComparison.Ordinal)
            || ns.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal);
    }

    private static string CellFrame(StackFrame frame, MethodBase method)
    {
        var name = UserMethodName(method);
        var file = frame.GetFileName();
        var line = frame.GetFileLineNumber();
        var location = file is null || line <= 0 ? "" : $" in {file}, line {line}";
        return $"   at {name}{location}";
    }

    private static string LibraryFrame(MethodBase method)
    {
        var type = method.DeclaringType is { } t ? TypeNames.Of(t) + "." : "";
        var parameters = string.Join(", ", method.GetParameters().Select(p => $"{TypeNames.Of(p.ParameterType)} {p.Name}"));
        return $"   at {type}{method.Name}({parameters})";
    }

    /// <summary>The name a user wrote for a method compiled into a submission: top-level code, a method, a local
    /// function, or a lambda (state machines and closures mapped back to their method).</summary>
    private static string UserMethodName(MethodBase method)
    {
        var methodName = method.Name;
        var type = method.DeclaringType;
        if (methodName == "MoveNext" && type is not null && type.Name.StartsWith('<'))
        {
            methodName = type.Name[1..type.Name.LastIndexOf('>')];
        }
        if (methodName is "<Initialize>" or "<Factory>")
        {
            return "<top-level code>";
        }
        var sb = new StringBuilder();
        if (methodName.Contains(">g__", StringComparison.Ordinal))
        {
            // Local function: <Outer>g__Name|0_0
            var start = methodName.IndexOf(">g__", StringComparison.Ordinal) + 4;
            var end = methodName.IndexOf('|', start);
            sb.Append(end > start ? methodName[start..end] : methodName[start..]);
        }
        else if (methodName.Contains(">b__", StringComparison.Ordinal))
        {
            sb.Append("<lambda>");
            return sb.ToString();
        }
        else
        {
            var outer = type;
            while (outer?.DeclaringType is not null && outer.Name.StartsWith('<'))
            {
                outer = outer.DeclaringType;
            }
            if (outer is not null && !outer.Name.StartsWith("Submission#", StringComparison.Ordinal))
            {
                sb.Append(TypeNames.Of(outer)).Append('.');
            }
            sb.Append(methodName);
        }
        if (method.Name != "MoveNext")
        {
            sb.Append('(').Append(string.Join(", ", method.GetParameters().Select(p => $"{TypeNames.Of(p.ParameterType)} {p.Name}"))).Append(')');
        }
        return sb.ToString();
    }
}

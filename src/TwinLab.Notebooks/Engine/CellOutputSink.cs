using System.Text;
using TwinLab.Interactive;

namespace TwinLab.Notebooks.Engine;

/// <summary>
/// Collects one cell's console output and displays and passes them to the listener in order: buffered console text is
/// flushed before every display, at least every flush interval while the cell runs (from a timer), and at the end.
/// Every call to the listener happens under one lock, so the listener sees no concurrency.
/// </summary>
internal sealed class CellOutputSink : IDisplaySink, ICellConsole, IDisposable
{
    private const int BufferLimit = 16 * 1024;
    private readonly Lock _gate = new();
    private readonly IExecutionListener _listener;
    private readonly string _displayIdPrefix;
    private readonly StringBuilder _buffer = new();
    private readonly Timer _timer;
    private string? _bufferStream;
    private int _displayCount;
    private bool _closed;

    /// <summary>The text written since the last line break, for an input prompt (e.g. <c>Console.Write("Name? ")</c>).</summary>
    private string _lastPromptCandidate = "";

    public CellOutputSink(IExecutionListener listener, string displayIdPrefix, TimeSpan flushInterval)
    {
        _listener = listener;
        _displayIdPrefix = displayIdPrefix;
        _timer = new Timer(_ => Flush(), null, flushInterval, flushInterval);
    }

    public string Show(MimeBundle bundle)
    {
        lock (_gate)
        {
            var id = $"{_displayIdPrefix}-{++_displayCount}";
            if (!_closed)
            {
                FlushLocked();
                _listener.OnDisplay(bundle, id);
            }
            return id;
        }
    }

    public void Update(string displayId, MimeBundle bundle)
    {
        lock (_gate)
        {
            if (!_closed)
            {
                FlushLocked();
                _listener.OnUpdateDisplay(bundle, displayId);
            }
        }
    }

    public void Clear(bool wait)
    {
        lock (_gate)
        {
            if (!_closed)
            {
                FlushLocked();
                _listener.OnClearOutput(wait);
            }
        }
    }

    public void Write(string stream, string text)
    {
        lock (_gate)
        {
            if (_bufferStream is not null && _bufferStream != stream)
            {
                FlushLocked();
            }
            _bufferStream = stream;
            _buffer.Append(text);
            var newline = text.LastIndexOf('\n');
            _lastPromptCandidate = newline < 0 ? _lastPromptCandidate + text : text[(newline + 1)..];
            if (_buffer.Length > BufferLimit)
            {
                FlushLocked();
            }
        }
    }

    public void Flush()
    {
        lock (_gate)
        {
            FlushLocked();
        }
    }

    public string? ReadLine()
    {
        string prompt;
        lock (_gate)
        {
            // The prompt text is shown by the front end with the input box, so it is not also sent as output.
            prompt = _lastPromptCandidate;
            if (prompt.Length > 0 && _buffer.Length >= prompt.Length && _buffer.ToString(_buffer.Length - prompt.Length, prompt.Length) == prompt)
            {
                _buffer.Length -= prompt.Length;
            }
            _lastPromptCandidate = "";
            FlushLocked();
        }
        return _listener.OnInputRequest(prompt, password: false);
    }

    private void FlushLocked()
    {
        if (_buffer.Length == 0 || _closed)
        {
            return;
        }
        var text = _buffer.ToString();
        _buffer.Clear();
        _listener.OnStream(_bufferStream!, text);
    }

    /// <summary>Flushes what is left and stops the timer; later writes (from threads the cell left running) are dropped.</summary>
    public void Dispose()
    {
        _timer.Dispose();
        lock (_gate)
        {
            FlushLocked();
            _closed = true;
        }
    }
}

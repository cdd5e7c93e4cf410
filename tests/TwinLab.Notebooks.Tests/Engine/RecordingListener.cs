using TwinLab.Interactive;
using TwinLab.Notebooks.Engine;

namespace TwinLab.Notebooks.Tests.Engine;

/// <summary>Records everything a cell produces, in order.</summary>
internal sealed class RecordingListener : IExecutionListener
{
    private readonly Lock _gate = new();

    public List<(string Kind, string Text, string? Id)> Events { get; } = [];

    public Func<string, string?>? Input { get; init; }

    public string Stdout => string.Concat(Events.Where(e => e.Kind == "stdout").Select(e => e.Text));

    public string Stderr => string.Concat(Events.Where(e => e.Kind == "stderr").Select(e => e.Text));

    public void OnStream(string name, string text) => Add(name, text, null);

    public void OnDisplay(MimeBundle bundle, string displayId) => Add("display", bundle.PlainText, displayId, bundle);

    public void OnUpdateDisplay(MimeBundle bundle, string displayId) => Add("update", bundle.PlainText, displayId, bundle);

    public void OnClearOutput(bool wait) => Add("clear", wait.ToString(), null);

    public string? OnInputRequest(string prompt, bool password)
    {
        Add("input", prompt, null);
        return Input is null ? throw new InvalidOperationException("no input here") : Input(prompt);
    }

    public List<MimeBundle> Bundles { get; } = [];

    private void Add(string kind, string text, string? id, MimeBundle? bundle = null)
    {
        lock (_gate)
        {
            Events.Add((kind, text, id));
            if (bundle is not null)
            {
                Bundles.Add(bundle);
            }
        }
    }
}

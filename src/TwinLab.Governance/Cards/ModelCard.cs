using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using TwinLab.Core.Modelling;
using TwinLab.Governance.Schemas;

namespace TwinLab.Governance.Cards;

/// <summary>A named score of a model (e.g. a validation error or a classifier's AUC), with an optional slice and
/// confidence interval.</summary>
/// <param name="Name">What is measured.</param>
/// <param name="Value">The value.</param>
/// <param name="Slice">The subset of data it was measured on, or null for all data.</param>
/// <param name="Lower">The lower end of the confidence interval, or null.</param>
/// <param name="Upper">The upper end of the confidence interval, or null.</param>
public sealed record Score(string Name, double Value, string? Slice = null, double? Lower = null, double? Upper = null);

/// <summary>
/// A model card in the JSON shape of the Model Card Toolkit (schema 0.0.2: <c>model_details</c>,
/// <c>model_parameters</c>, <c>quantitative_analysis</c>, <c>considerations</c>) plus Markdown, for the mechanistic
/// models and the AI components of a twin. <see cref="ForModel"/> fills the details of a TwinLab model (name, version,
/// digest, description, references, states and parameters).
/// </summary>
/// <param name="Name">The model's name.</param>
/// <param name="Version">The model's version.</param>
/// <param name="Overview">What the model does.</param>
/// <param name="Owners">Who maintains the model.</param>
/// <param name="Architecture">The model's form (e.g. the ODE system, or the network and its training).</param>
/// <param name="Identifier">The content digest or another identifier of the exact model version.</param>
/// <param name="References">Literature references (citation text; DOIs as <c>doi:...</c>).</param>
/// <param name="Data">The data the model was built, calibrated or trained on.</param>
/// <param name="Scores">Performance and validation results.</param>
/// <param name="Users">Intended users.</param>
/// <param name="UseCases">Intended uses.</param>
/// <param name="Limitations">Known limitations.</param>
/// <param name="EthicalConsiderations">Risks and how they are mitigated (risk, mitigation).</param>
public sealed record ModelCard(string Name, string Version, string Overview, IReadOnlyList<string> Owners, string Architecture, string Identifier,
    IReadOnlyList<string> References, IReadOnlyList<string> Data, IReadOnlyList<Score> Scores, IReadOnlyList<string> Users,
    IReadOnlyList<string> UseCases, IReadOnlyList<string> Limitations, IReadOnlyList<(string Risk, string Mitigation)> EthicalConsiderations)
{
    /// <summary>A card for a TwinLab mechanistic model, with the considerations given.</summary>
    /// <param name="model">The model.</param>
    /// <param name="owners">Who maintains it.</param>
    /// <param name="scores">Validation results.</param>
    /// <param name="useCases">Intended uses.</param>
    /// <param name="limitations">Known limitations.</param>
    public static ModelCard ForModel(Model model, IReadOnlyList<string> owners, IReadOnlyList<Score> scores, IReadOnlyList<string> useCases, IReadOnlyList<string> limitations)
    {
        ArgumentNullException.ThrowIfNull(model);
        var architecture = $"Ordinary differential equations with {model.States.Count} states ({string.Join(", ", model.States.Select(s => $"{s.Name} [{s.Unit}]"))}), "
            + $"{model.Parameters.Count} parameters and {model.Observables.Count} observables; treatments: {(model.Treatments.Count == 0 ? "none" : string.Join("; ", model.Treatments))}.";
        return new ModelCard(model.Name, model.Version, model.Description.Length > 0 ? model.Description : model.Name, owners, architecture, model.Digest,
            [.. model.References.Select(r => r.ToString())],
            [.. model.Parameters.Where(p => p.Reference is not null).Select(p => $"{p.Name} = {p.Value.ToString("G6", CultureInfo.InvariantCulture)} {p.Unit}: {p.Reference}")],
            scores, ["Researchers simulating virtual patients with TwinLab"], useCases, limitations, []);
    }

    /// <summary>The card in the Model Card Toolkit's JSON shape, checked against <c>data-schemas/model-card.schema.json</c>.</summary>
    /// <exception cref="SchemaValidationException">The JSON breaks its schema (reported with the JSON pointer).</exception>
    public string ToJson() => DataSchemas.Checked(DataSchemas.ModelCard, $"The model card of {Name}", CardJson.Text(new JsonObject
    {
        ["schema_version"] = "0.0.2",
        ["model_details"] = new JsonObject
        {
            ["name"] = Name,
            ["overview"] = Overview,
            ["owners"] = CardJson.Array(Owners, o => new JsonObject { ["name"] = o }),
            ["version"] = new JsonObject { ["name"] = Version, ["diff"] = Identifier },
            ["references"] = CardJson.Array(References, r => new JsonObject { ["reference"] = r }),
        },
        ["model_parameters"] = new JsonObject
        {
            ["model_architecture"] = Architecture,
            ["data"] = CardJson.Array(Data, d => new JsonObject { ["name"] = d }),
        },
        ["quantitative_analysis"] = new JsonObject
        {
            ["performance_metrics"] = CardJson.Array(Scores, s =>
            {
                var metric = new JsonObject { ["type"] = s.Name, ["value"] = s.Value.ToString("R", CultureInfo.InvariantCulture) };
                if (s.Slice is not null)
                {
                    metric["slice"] = s.Slice;
                }
                if (s.Lower is { } lo && s.Upper is { } hi)
                {
                    metric["confidence_interval"] = new JsonObject { ["lower_bound"] = lo.ToString("R", CultureInfo.InvariantCulture), ["upper_bound"] = hi.ToString("R", CultureInfo.InvariantCulture) };
                }
                return metric;
            }),
        },
        ["considerations"] = new JsonObject
        {
            ["users"] = CardJson.Array(Users, u => new JsonObject { ["description"] = u }),
            ["use_cases"] = CardJson.Array(UseCases, u => new JsonObject { ["description"] = u }),
            ["limitations"] = CardJson.Array(Limitations, l => new JsonObject { ["description"] = l }),
            ["ethical_considerations"] = CardJson.Array(EthicalConsiderations, e => new JsonObject { ["name"] = e.Risk, ["mitigation_strategy"] = e.Mitigation }),
        },
    }));

    /// <summary>The card as Markdown.</summary>
    public string ToMarkdown()
    {
        var sb = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        sb.AppendLine(inv, $"# Model card: {Name} {Version}").AppendLine().AppendLine(Overview).AppendLine();
        sb.AppendLine(inv, $"- Identifier: `{Identifier}`").AppendLine(inv, $"- Owners: {string.Join(", ", Owners)}").AppendLine();
        sb.AppendLine("## Architecture").AppendLine().AppendLine(Architecture).AppendLine();
        void List(string title, IEnumerable<string> items)
        {
            var list = items.ToList();
            sb.AppendLine(inv, $"## {title}").AppendLine();
            sb.AppendLine(list.Count == 0 ? "None stated." : string.Join("\n", list.Select(i => "- " + i))).AppendLine();
        }
        List("Data", Data);
        List("Performance", Scores.Select(s => $"{s.Name}{(s.Slice is null ? "" : $" ({s.Slice})")}: {s.Value.ToString("G6", inv)}"
            + (s.Lower is { } lo && s.Upper is { } hi ? $" [{lo.ToString("G6", inv)}, {hi.ToString("G6", inv)}]" : "")));
        List("Intended users", Users);
        List("Intended uses", UseCases);
        List("Limitations", Limitations);
        List("Ethical considerations", EthicalConsiderations.Select(e => $"{e.Risk}: {e.Mitigation}"));
        List("References", References);
        return sb.ToString();
    }
}

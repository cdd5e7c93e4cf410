using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using TwinLab.Governance.Schemas;

namespace TwinLab.Governance.Cards;

/// <summary>A three-level rating (model influence, decision consequence).</summary>
public enum Level
{
    /// <summary>Low.</summary>
    Low = 1,

    /// <summary>Medium.</summary>
    Medium = 2,

    /// <summary>High.</summary>
    High = 3,
}

/// <summary>The four layers of a hybrid digital twin whose credibility is assessed separately.</summary>
public enum TwinLayer
{
    /// <summary>The mechanistic core (ODE models, parameters, solvers).</summary>
    MechanisticCore,

    /// <summary>The synthetic data generated from the core.</summary>
    SyntheticData,

    /// <summary>AI components trained on synthetic and real data.</summary>
    AiComponents,

    /// <summary>The system as a whole and its feedback loop with the patient.</summary>
    SystemAndFeedback,
}

/// <summary>The 13 credibility factors of ASME V&amp;V 40-2018, grouped as verification (code and calculation),
/// validation (computational model, comparator, assessment) and applicability.</summary>
public enum CredibilityFactor
{
    /// <summary>Verification, code: software quality assurance.</summary>
    SoftwareQualityAssurance,

    /// <summary>Verification, code: numerical code verification.</summary>
    NumericalCodeVerification,

    /// <summary>Verification, calculation: discretization error.</summary>
    DiscretizationError,

    /// <summary>Verification, calculation: numerical solver error.</summary>
    NumericalSolverError,

    /// <summary>Verification, calculation: use error.</summary>
    UseError,

    /// <summary>Validation, computational model: model form.</summary>
    ModelForm,

    /// <summary>Validation, computational model: model inputs.</summary>
    ModelInputs,

    /// <summary>Validation, comparator: test samples.</summary>
    TestSamples,

    /// <summary>Validation, comparator: test conditions.</summary>
    TestConditions,

    /// <summary>Validation, assessment: equivalency of input parameters.</summary>
    EquivalencyOfInputParameters,

    /// <summary>Validation, assessment: output comparison.</summary>
    OutputComparison,

    /// <summary>Applicability: relevance of the quantities of interest.</summary>
    RelevanceOfQuantitiesOfInterest,

    /// <summary>Applicability: relevance of the validation activities to the context of use.</summary>
    RelevanceOfValidationActivities,
}

/// <summary>A piece of evidence: what it shows and where it is (a file in the release, a test, a DOI).</summary>
/// <param name="Description">What the evidence shows.</param>
/// <param name="Link">Where it is.</param>
public sealed record Evidence(string Description, string Link);

/// <summary>The assessment of one credibility factor in one layer: the rigour the risk calls for (target) and the
/// rigour achieved, on a 1 (lowest) to 5 (highest) scale, with the evidence.</summary>
/// <param name="Factor">The factor.</param>
/// <param name="Target">The level the model risk calls for (1–5).</param>
/// <param name="Achieved">The level achieved (1–5).</param>
/// <param name="Evidence">The evidence for the achieved level.</param>
public sealed record FactorAssessment(CredibilityFactor Factor, int Target, int Achieved, IReadOnlyList<Evidence> Evidence)
{
    /// <summary>Whether the achieved level reaches the target.</summary>
    public bool Met => Achieved >= Target;
}

/// <summary>The factors assessed for one layer.</summary>
/// <param name="Layer">The layer.</param>
/// <param name="Summary">What the layer is in this twin.</param>
/// <param name="Factors">The assessments (each factor at most once).</param>
public sealed record LayerAssessment(TwinLayer Layer, string Summary, IReadOnlyList<FactorAssessment> Factors);

/// <summary>
/// A credibility report in the shape of ASME V&amp;V 40-2018 and the FDA guidance of 2023 on computational modelling
/// and simulation: the question of interest, the context of use, model influence and decision consequence (which give
/// the model risk, 1–5), and for each of the four layers of the twin the 13 credibility factors with target and
/// achieved levels and their evidence. Written as JSON (<c>data-schemas/credibility-report.schema.json</c>) and Markdown.
/// </summary>
public sealed record CredibilityReport
{
    /// <summary>Creates and checks a report.</summary>
    /// <param name="title">The report's title.</param>
    /// <param name="questionOfInterest">The question the model helps to answer.</param>
    /// <param name="contextOfUse">How and where the model's output is used to answer it.</param>
    /// <param name="modelInfluence">How much the model's output weighs in the decision.</param>
    /// <param name="decisionConsequence">How severe a wrong decision would be.</param>
    /// <param name="layers">The assessments by layer (each layer at most once).</param>
    /// <exception cref="ArgumentException">An empty text, a level outside 1–5, or a layer or factor given twice.</exception>
    public CredibilityReport(string title, string questionOfInterest, string contextOfUse, Level modelInfluence, Level decisionConsequence,
        IReadOnlyList<LayerAssessment> layers)
    {
        ArgumentNullException.ThrowIfNull(layers);
        Title = CardJson.Require(title, nameof(title));
        QuestionOfInterest = CardJson.Require(questionOfInterest, nameof(questionOfInterest));
        ContextOfUse = CardJson.Require(contextOfUse, nameof(contextOfUse));
        ModelInfluence = modelInfluence;
        DecisionConsequence = decisionConsequence;
        if (layers.GroupBy(l => l.Layer).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            throw new ArgumentException($"Layer {twice.Key} is assessed {twice.Count()} times: give each layer once.", nameof(layers));
        }
        foreach (var layer in layers)
        {
            if (layer.Factors.GroupBy(f => f.Factor).FirstOrDefault(g => g.Count() > 1) is { } dup)
            {
                throw new ArgumentException($"Factor {dup.Key} is assessed {dup.Count()} times in layer {layer.Layer}: give each factor once per layer.", nameof(layers));
            }
            foreach (var f in layer.Factors.Where(f => f.Target is < 1 or > 5 || f.Achieved is < 1 or > 5))
            {
                throw new ArgumentException($"Factor {f.Factor} in layer {layer.Layer} has target {f.Target} and achieved {f.Achieved}: both must be levels 1 to 5.", nameof(layers));
            }
        }
        Layers = layers;
    }

    /// <summary>The report's title.</summary>
    public string Title { get; }

    /// <summary>The question of interest.</summary>
    public string QuestionOfInterest { get; }

    /// <summary>The context of use.</summary>
    public string ContextOfUse { get; }

    /// <summary>The model influence.</summary>
    public Level ModelInfluence { get; }

    /// <summary>The decision consequence.</summary>
    public Level DecisionConsequence { get; }

    /// <summary>The assessments by layer.</summary>
    public IReadOnlyList<LayerAssessment> Layers { get; }

    /// <summary>The model risk, 1 (lowest) to 5 (highest): the position in the V&amp;V 40 risk matrix, influence +
    /// consequence − 1 (low/low is 1, high/high is 5, the off-diagonal cells in between).</summary>
    public int ModelRisk => (int)ModelInfluence + (int)DecisionConsequence - 1;

    /// <summary>The factors, in every layer, whose achieved level is below the target.</summary>
    public IReadOnlyList<(TwinLayer Layer, FactorAssessment Factor)> Gaps =>
        [.. Layers.SelectMany(l => l.Factors.Where(f => !f.Met).Select(f => (l.Layer, f)))];

    /// <summary>The factors not assessed in each layer (reported, never assumed met).</summary>
    public IReadOnlyList<(TwinLayer Layer, CredibilityFactor Factor)> NotAssessed =>
        [.. Layers.SelectMany(l => Enum.GetValues<CredibilityFactor>().Except(l.Factors.Select(f => f.Factor)).Select(f => (l.Layer, f)))];

    /// <summary>The report as JSON, checked against <c>data-schemas/credibility-report.schema.json</c>.</summary>
    /// <exception cref="SchemaValidationException">The JSON breaks its schema (a defect of TwinLab, reported with the JSON pointer).</exception>
    public string ToJson() => DataSchemas.Checked(DataSchemas.CredibilityReport, $"The credibility report '{Title}'", CardJson.Text(new JsonObject
    {
        ["format"] = "twinlab.credibility-report",
        ["formatVersion"] = 1,
        ["title"] = Title,
        ["questionOfInterest"] = QuestionOfInterest,
        ["contextOfUse"] = ContextOfUse,
        ["modelInfluence"] = ModelInfluence.ToString().ToLowerInvariant(),
        ["decisionConsequence"] = DecisionConsequence.ToString().ToLowerInvariant(),
        ["modelRisk"] = ModelRisk,
        ["layers"] = CardJson.Array(Layers, l => new JsonObject
        {
            ["layer"] = LayerId(l.Layer),
            ["summary"] = l.Summary,
            ["factors"] = CardJson.Array(l.Factors, f => new JsonObject
            {
                ["factor"] = FactorId(f.Factor),
                ["target"] = f.Target,
                ["achieved"] = f.Achieved,
                ["met"] = f.Met,
                ["evidence"] = CardJson.Array(f.Evidence, e => new JsonObject { ["description"] = e.Description, ["link"] = e.Link }),
            }),
            ["notAssessed"] = CardJson.Array(Enum.GetValues<CredibilityFactor>().Except(l.Factors.Select(f => f.Factor)), f => JsonValue.Create(FactorId(f))),
        }),
    }));

    /// <summary>The report as Markdown: the question, context and risk, then one table per layer, then the gaps.</summary>
    public string ToMarkdown()
    {
        var sb = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        sb.AppendLine(inv, $"# {Title}").AppendLine();
        sb.AppendLine(inv, $"**Question of interest.** {QuestionOfInterest}").AppendLine();
        sb.AppendLine(inv, $"**Context of use.** {ContextOfUse}").AppendLine();
        sb.AppendLine(inv, $"**Model risk.** {ModelRisk} of 5 (model influence {ModelInfluence.ToString().ToLowerInvariant()} × decision consequence {DecisionConsequence.ToString().ToLowerInvariant()}; ASME V&V 40-2018 risk matrix).").AppendLine();
        foreach (var layer in Layers)
        {
            sb.AppendLine(inv, $"## {LayerTitle(layer.Layer)}").AppendLine().AppendLine(layer.Summary).AppendLine();
            sb.AppendLine("| Factor | Target | Achieved | Evidence |").AppendLine("|---|---|---|---|");
            foreach (var f in layer.Factors)
            {
                var evidence = string.Join("; ", f.Evidence.Select(e => $"{e.Description} ({e.Link})"));
                sb.AppendLine(inv, $"| {FactorTitle(f.Factor)} | {f.Target} | {f.Achieved}{(f.Met ? "" : " (gap)")} | {evidence.Replace("|", "\\|", StringComparison.Ordinal)} |");
            }
            var missing = Enum.GetValues<CredibilityFactor>().Except(layer.Factors.Select(f => f.Factor)).ToList();
            if (missing.Count > 0)
            {
                sb.AppendLine().AppendLine(inv, $"Not assessed: {string.Join(", ", missing.Select(FactorTitle))}.");
            }
            sb.AppendLine();
        }
        var gaps = Gaps;
        sb.AppendLine("## Gaps").AppendLine();
        sb.AppendLine(gaps.Count == 0 ? "Every assessed factor reaches its target." : string.Join("\n", gaps.Select(g => $"- {LayerTitle(g.Layer)}: {FactorTitle(g.Factor.Factor)} achieved {g.Factor.Achieved}, target {g.Factor.Target}.")));
        return sb.ToString();
    }

    /// <summary>Writes <c>NAME.json</c> and <c>NAME.md</c> atomically.</summary>
    /// <param name="pathWithoutExtension">The path without extension.</param>
    public void Save(string pathWithoutExtension)
    {
        ArgumentNullException.ThrowIfNull(pathWithoutExtension);
        CardJson.WriteAtomically(pathWithoutExtension + ".json", ToJson());
        CardJson.WriteAtomically(pathWithoutExtension + ".md", ToMarkdown());
    }

    /// <summary>The JSON id of a layer (<c>mechanistic-core</c>, <c>synthetic-data</c>, <c>ai-components</c>, <c>system-and-feedback</c>).</summary>
    /// <param name="layer">The layer.</param>
    public static string LayerId(TwinLayer layer) => layer switch
    {
        TwinLayer.MechanisticCore => "mechanistic-core",
        TwinLayer.SyntheticData => "synthetic-data",
        TwinLayer.AiComponents => "ai-components",
        _ => "system-and-feedback",
    };

    private static string LayerTitle(TwinLayer layer) => layer switch
    {
        TwinLayer.MechanisticCore => "Mechanistic core",
        TwinLayer.SyntheticData => "Synthetic data",
        TwinLayer.AiComponents => "AI components",
        _ => "System and feedback",
    };

    /// <summary>The JSON id of a factor (kebab case, e.g. <c>numerical-solver-error</c>).</summary>
    /// <param name="factor">The factor.</param>
    public static string FactorId(CredibilityFactor factor)
    {
        var name = factor.ToString();
        var sb = new StringBuilder();
        for (var i = 0; i < name.Length; i++)
        {
            if (i > 0 && char.IsUpper(name[i]))
            {
                sb.Append('-');
            }
            sb.Append(char.ToLowerInvariant(name[i]));
        }
        return sb.ToString();
    }

    private static string FactorTitle(CredibilityFactor factor)
    {
        var id = FactorId(factor).Replace('-', ' ');
        return char.ToUpperInvariant(id[0]) + id[1..];
    }
}

using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using TwinLab.Core.Library;
using TwinLab.Core.Modelling;
using TwinLab.Data.Csv;
using TwinLab.Data.Store;
using TwinLab.Governance.Archives;
using TwinLab.Governance.Cards;
using TwinLab.Governance.Sbml;

namespace TwinLab.Governance.Release;

/// <summary>A file of a written release.</summary>
/// <param name="Path">Its path relative to the release folder (forward slashes).</param>
/// <param name="Sha256">Its SHA-256 (64 lower-case hex digits), as listed in <c>SHA256SUMS</c>.</param>
/// <param name="Bytes">Its size.</param>
public sealed record ReleasedFile(string Path, string Sha256, long Bytes);

/// <summary>One cohort of a release and where its files are.</summary>
/// <param name="CohortId">The cohort's id in the store.</param>
/// <param name="Model">The generating model's name.</param>
/// <param name="ModelDigest">The generating model's digest.</param>
/// <param name="Seed">The seed of every random stream of the cohort.</param>
/// <param name="Subjects">The number of subjects.</param>
/// <param name="Observations">The number of observation records.</param>
/// <param name="Evaluations">The number of evaluation reports the store holds for it (their scores are in the cards).</param>
/// <param name="Archive">The path of the model's archive in the release.</param>
public sealed record ReleasedCohort(string CohortId, string Model, string ModelDigest, ulong Seed, int Subjects, int Observations, int Evaluations, string Archive);

/// <summary>What <see cref="ReleaseBundle.Write"/> wrote: the cohorts, the cards and report (for display), and every
/// file with its SHA-256.</summary>
/// <param name="Folder">The release folder.</param>
/// <param name="Cohorts">The released cohorts.</param>
/// <param name="DataCards">The data card of each cohort (as described; written as Croissant JSON-LD and Markdown).</param>
/// <param name="ModelCards">The model card of each generating model.</param>
/// <param name="CredibilityReport">The credibility report.</param>
/// <param name="Files">Every file, in <c>SHA256SUMS</c> order (SHA256SUMS itself excluded).</param>
public sealed record ReleaseSummary(string Folder, IReadOnlyList<ReleasedCohort> Cohorts, IReadOnlyList<SyntheticCohortDescription> DataCards,
    IReadOnlyList<ModelCard> ModelCards, CredibilityReport CredibilityReport, IReadOnlyList<ReleasedFile> Files)
{
    /// <summary>A one-line-per-cohort summary without paths or times.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => string.Join("\n", Cohorts.Select(c => string.Create(CultureInfo.InvariantCulture,
        $"cohort {c.CohortId}: {c.Subjects} subjects, {c.Observations} observations of {c.Model} ({c.ModelDigest}), seed {c.Seed}, {c.Evaluations} evaluation(s); archive {c.Archive}")))
        + string.Create(CultureInfo.InvariantCulture, $"\n{Files.Count} files listed in SHA256SUMS");
}

/// <summary>
/// Writes a release of the cohorts of a TwinLab cohort store (see <c>docs/methods/governance.md</c>):
/// <list type="bullet">
/// <item><c>cohorts/ID/subjects.csv</c>, <c>observations.csv</c> and <c>parameter-sets.csv</c> for every cohort;</item>
/// <item><c>models/NAME-DIGEST.omex</c>: the COMBINE archive of every generating model (SBML, SED-ML of the cohort's
/// time course and solver, metadata, model file, nominal parameters);</item>
/// <item><c>cards/ID.data-card.json</c> (Croissant 1.0 with RAI) and <c>cards/ID.datasheet.md</c> per cohort,
/// <c>cards/NAME-DIGEST.model-card.json</c> and <c>.md</c> per model, <c>credibility-report.json</c> and <c>.md</c>;</item>
/// <item><c>ro-crate-metadata.json</c>: one CreateAction per cohort linking it to its archive, parameter sets, seed and
/// TwinLab version;</item>
/// <item><c>SHA256SUMS</c> over every other file, in the format <c>sha256sum -c</c> reads.</item>
/// </list>
/// The release is assembled in a temporary folder beside the destination and renamed into place, so a release folder is
/// never half-written. Every JSON artefact is checked against its schema in <c>data-schemas/</c> before it is written.
/// </summary>
public static class ReleaseBundle
{
    /// <summary>The checksum file's name.</summary>
    public const string ChecksumFile = "SHA256SUMS";

    private static readonly string[] KisaoAlgorithms = ["Tsit5", "DormandPrince5", "Rosenbrock23", "RK4"];

    /// <summary>Writes the release of every cohort in a store.</summary>
    /// <param name="database">The cohort store (SQLite, written by <c>twinlab cohort generate</c> or <c>CohortStorage</c>).</param>
    /// <param name="folder">The release folder to create.</param>
    /// <param name="options">What the release says beyond the store; defaults when null.</param>
    /// <param name="overwrite">Replace an existing non-empty folder (otherwise it is refused).</param>
    /// <returns>What was written.</returns>
    /// <exception cref="ArgumentException">The store is missing or holds no cohort, the folder exists and is not empty
    /// (without <paramref name="overwrite"/>), or a cohort's model is neither in the library nor in the options.</exception>
    public static ReleaseSummary Write(string database, string folder, ReleaseOptions? options = null, bool overwrite = false)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(folder);
        options ??= new ReleaseOptions();
        if (!File.Exists(database))
        {
            throw new ArgumentException($"The cohort store '{database}' does not exist: create one with 'twinlab cohort generate --db FILE.db'.", nameof(database));
        }
        var destination = Path.GetFullPath(folder).TrimEnd(Path.DirectorySeparatorChar);
        var parent = Path.GetDirectoryName(destination)!;
        if (!Directory.Exists(parent))
        {
            throw new ArgumentException($"Cannot write the release '{folder}': the folder '{parent}' does not exist.", nameof(folder));
        }
        if (File.Exists(destination))
        {
            throw new ArgumentException($"Cannot write the release '{folder}': it is a file; give a folder.", nameof(folder));
        }
        if (Directory.Exists(destination) && Directory.EnumerateFileSystemEntries(destination).Any() && !overwrite)
        {
            throw new ArgumentException($"The release folder '{folder}' exists and is not empty; choose another folder or replace it with --force (overwrite: true).", nameof(folder));
        }
        var temporary = Path.Combine(parent, "." + Path.GetFileName(destination) + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp");
        Directory.CreateDirectory(temporary);
        try
        {
            var summary = Assemble(database, temporary, options);
            if (Directory.Exists(destination))
            {
                var old = temporary + ".old";
                Directory.Move(destination, old);
                Directory.Move(temporary, destination);
                Directory.Delete(old, recursive: true);
            }
            else
            {
                Directory.Move(temporary, destination);
            }
            return summary with { Folder = destination };
        }
        finally
        {
            if (Directory.Exists(temporary))
            {
                Directory.Delete(temporary, recursive: true);
            }
        }
    }

    private static ReleaseSummary Assemble(string database, string root, ReleaseOptions options)
    {
        var published = (options.Published ?? DateTimeOffset.UtcNow).ToUniversalTime();
        published = new DateTimeOffset(published.Ticks - (published.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
        var creator = options.Creator.Trim();
        var space = creator.LastIndexOf(' ');
        var provenance = space > 0
            ? new SbmlProvenance(creator[(space + 1)..], creator[..space].Trim(), null, published)
            : new SbmlProvenance(creator, creator, null, published);
        var crateFiles = new List<CrateFile>();
        var runs = new List<GenerationRun>();
        var dataCards = new List<SyntheticCohortDescription>();
        var cohorts = new List<ReleasedCohort>();
        var archives = new Dictionary<string, (Model Model, string Path, List<Score> Scores, List<string> Limitations)>(StringComparer.Ordinal);
        var evidence = new StoreEvidence(crateFiles);
        using (var store = CohortStore.Open(database))
        {
            var stored = store.Cohorts();
            if (stored.Count == 0)
            {
                throw new ArgumentException($"The cohort store '{database}' holds no cohorts: add one with 'twinlab cohort generate'.", nameof(database));
            }
            foreach (var cohort in stored)
            {
                var model = FindModel(cohort, options);
                var subjects = store.Subjects(cohort.CohortId);
                var sets = store.ParameterSets(cohort.CohortId);
                var observations = store.Observations(cohort.CohortId);
                var cohortRuns = store.Runs(cohort.CohortId);
                var evaluations = store.Evaluations(cohort.CohortId);
                var folder = $"cohorts/{cohort.CohortId}";
                Directory.CreateDirectory(Path.Combine(root, "cohorts", cohort.CohortId));
                var subjectsPath = $"{folder}/subjects.csv";
                var observationsPath = $"{folder}/observations.csv";
                var setsPath = $"{folder}/parameter-sets.csv";
                SubjectCsv.Write(Path.Combine(root, subjectsPath), subjects, sets);
                ObservationCsv.Write(Path.Combine(root, observationsPath), observations);
                WriteParameterSets(Path.Combine(root, setsPath), subjects, sets);

                var course = Course(cohortRuns, out var solverNote);
                if (!archives.TryGetValue(model.Digest, out var archive))
                {
                    var archivePath = $"models/{model.Name}-{model.Digest[7..19]}.omex";
                    Directory.CreateDirectory(Path.Combine(root, "models"));
                    var export = OmexArchive.Write(model, course, provenance, Path.Combine(root, archivePath));
                    archive = (model, archivePath, [], [.. export.UnsupportedUnits.Select(u => "SBML export: " + u)]);
                    archives[model.Digest] = archive;
                    crateFiles.Add(new CrateFile(archivePath, $"{model.Name} {model.Version}", "application/zip",
                        $"COMBINE archive of {model.Name} {model.Version} ({model.Digest}): SBML, SED-ML time course, OMEX metadata, model file and nominal parameters."));
                }
                if (solverNote is not null)
                {
                    archive.Limitations.Add(solverNote);
                }
                foreach (var run in cohortRuns)
                {
                    var failed = Failed(run);
                    archive.Scores.Add(new Score("failed trajectories", failed, $"cohort {cohort.CohortId}, arm {run.Arm}"));
                }

                var evaluationScores = EvaluationScores(evaluations, out var notComputed);
                archive.Scores.AddRange(evaluationScores.Select(s => s with { Slice = $"cohort {cohort.CohortId}, {s.Slice}" }));
                var record = JsonNode.Parse(cohort.Provenance) as JsonObject;
                var generatedBy = (string?)record?["twinlabVersion"];
                var runtime = (string?)record?["dotnetVersion"];
                var limitations = new List<string>(options.Limitations);
                if (notComputed > 0)
                {
                    limitations.Add($"{notComputed} evaluation score(s) were not computed (null in the stored report) and are not listed.");
                }
                if (evaluations.Count == 0)
                {
                    limitations.Add("No fidelity, utility, privacy or fairness evaluation is stored for this cohort.");
                }
                var failedTotal = cohortRuns.Sum(Failed);
                if (failedTotal > 0)
                {
                    limitations.Add($"{failedTotal} simulated trajectories failed; their records carry the status SimulationFailed.");
                }
                var files = new List<DataFile>
                {
                    new(subjectsPath, "text/csv", Sha256(Path.Combine(root, subjectsPath)), SubjectColumns(subjects, sets)),
                    new(observationsPath, "text/csv", Sha256(Path.Combine(root, observationsPath)), ObservationColumns()),
                    new(setsPath, "text/csv", Sha256(Path.Combine(root, setsPath)), ParameterSetColumns()),
                };
                var description = new SyntheticCohortDescription(
                    $"{options.Name}-{cohort.CohortId}",
                    string.Create(CultureInfo.InvariantCulture,
                        $"{subjects.Count} virtual subjects of {model.Name} {model.Version}{Oversampled(cohort)} simulated under {cohortRuns.Count} arm(s) ({string.Join(", ", cohortRuns.Select(r => r.Arm))}), {observations.Count} observation records. Generated by TwinLab {generatedBy ?? "(version not recorded)"} on .NET {runtime ?? "(not recorded)"}; cohort {cohort.CohortId}, seed {cohort.Seed}."),
                    generatedBy ?? "unrecorded", published, options.License, options.Url, options.Creator,
                    [new GeneratingModel(model.Name, model.Version, model.Digest, archive.Path)],
                    options.Calibration,
                    Sampling(cohort, subjects),
                    options.Mix.Count > 0 ? options.Mix : [new DataMix(cohort.CohortId, "synthetic", 1, "The whole data set: every record is simulated.")],
                    evaluationScores,
                    options.IntendedUses,
                    limitations,
                    files);
                dataCards.Add(description);
                var cardPath = $"cards/{cohort.CohortId}.data-card.json";
                var sheetPath = $"cards/{cohort.CohortId}.datasheet.md";
                Directory.CreateDirectory(Path.Combine(root, "cards"));
                CardJson.WriteAtomically(Path.Combine(root, cardPath), DataCard.ToCroissant(description));
                CardJson.WriteAtomically(Path.Combine(root, sheetPath), DataCard.ToMarkdown(description));
                crateFiles.Add(new CrateFile(subjectsPath, $"Subjects of cohort {cohort.CohortId}", "text/csv", "One row per virtual subject: sampling weight, covariates and parameters."));
                crateFiles.Add(new CrateFile(observationsPath, $"Observations of cohort {cohort.CohortId}", "text/csv", "One row per visit and arm, with record-level ids, run, seed and model digest."));
                crateFiles.Add(new CrateFile(setsPath, $"Parameter sets of cohort {cohort.CohortId}", "text/csv", "Every subject's parameter set, one row per parameter value."));
                crateFiles.Add(new CrateFile(cardPath, $"Data card of cohort {cohort.CohortId}", "application/ld+json", "Croissant 1.0 JSON-LD with the Responsible-AI extension."));
                crateFiles.Add(new CrateFile(sheetPath, $"Datasheet of cohort {cohort.CohortId}", "text/markdown", "The data card as a Markdown datasheet."));
                runs.Add(new GenerationRun($"generate-{cohort.CohortId}", $"Generate and simulate cohort {cohort.CohortId}", subjectsPath, archive.Path, setsPath, cohort.Seed,
                    ParseTime(cohort.CreatedAt) ?? published)
                {
                    TwinLabVersion = generatedBy is not null && generatedBy != StripBuild(ProvenanceCrate.TwinLabVersion) ? generatedBy : null,
                });
                evidence.Cohorts.Add((cohort, cohortRuns, evaluations.Count, model));
                cohorts.Add(new ReleasedCohort(cohort.CohortId, model.Name, model.Digest, cohort.Seed, subjects.Count, observations.Count, evaluations.Count, archive.Path));
            }
        }

        var modelCards = new List<ModelCard>();
        foreach (var (model, path, scores, limitations) in archives.Values)
        {
            var card = ModelCard.ForModel(model, options.Owners, scores,
                [$"Generating the virtual cohorts of {options.Name}"],
                ["Mechanistic model: it represents only the processes in its equations", .. limitations.Distinct(StringComparer.Ordinal)]);
            var stem = $"cards/{Path.GetFileNameWithoutExtension(path)}.model-card";
            CardJson.WriteAtomically(Path.Combine(root, stem + ".json"), card.ToJson());
            CardJson.WriteAtomically(Path.Combine(root, stem + ".md"), card.ToMarkdown());
            crateFiles.Add(new CrateFile(stem + ".json", $"Model card of {model.Name}", "application/json", "Model Card Toolkit JSON (schema 0.0.2)."));
            crateFiles.Add(new CrateFile(stem + ".md", $"Model card of {model.Name} (Markdown)", "text/markdown", "The model card as Markdown."));
            modelCards.Add(card);
        }

        var report = options.CredibilityReport ?? evidence.Report(options);
        report.Save(Path.Combine(root, "credibility-report"));
        crateFiles.Add(new CrateFile("credibility-report.json", "Credibility report", "application/json", "ASME V&V 40 / FDA 2023 credibility assessment by layer of the twin."));
        crateFiles.Add(new CrateFile("credibility-report.md", "Credibility report (Markdown)", "text/markdown", "The credibility report as Markdown."));

        CardJson.WriteAtomically(Path.Combine(root, ProvenanceCrate.MetadataFile),
            ProvenanceCrate.Create(options.Name, options.Description, published, options.License, crateFiles, runs));

        var listed = Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(root, f).Replace(Path.DirectorySeparatorChar, '/'))
            .Order(StringComparer.Ordinal)
            .Select(p => new ReleasedFile(p, Sha256(Path.Combine(root, p)), new FileInfo(Path.Combine(root, p)).Length))
            .ToList();
        CardJson.WriteAtomically(Path.Combine(root, ChecksumFile), string.Concat(listed.Select(f => $"{f.Sha256}  {f.Path}\n")));
        return new ReleaseSummary(root, cohorts, dataCards, modelCards, report, listed);
    }

    /// <summary>The SHA-256 of a file as 64 lower-case hex digits.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The digest.</returns>
    public static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    private static Model FindModel(CohortRow cohort, ReleaseOptions options)
    {
        var given = options.Models.FirstOrDefault(m => m.Digest == cohort.ModelDigest);
        if (given is not null)
        {
            return given;
        }
        if (ModelLibrary.Names.Contains(cohort.ModelName))
        {
            var library = ModelLibrary.Get(cohort.ModelName);
            if (library.Digest == cohort.ModelDigest)
            {
                return library;
            }
            throw new ArgumentException($"Cohort {cohort.CohortId} was generated by {cohort.ModelName} {cohort.ModelVersion} ({cohort.ModelDigest}), but the library's {cohort.ModelName} is {library.Version} ({library.Digest}): "
                + "pass the exact model in ReleaseOptions.Models so that its archive matches the data.", nameof(options));
        }
        throw new ArgumentException($"Cohort {cohort.CohortId} was generated by {cohort.ModelName} ({cohort.ModelDigest}), which is not in TwinLab's library: pass it in ReleaseOptions.Models.", nameof(options));
    }

    private static TimeCourse Course(IReadOnlyList<RunRow> runs, out string? note)
    {
        note = null;
        if (runs.Count == 0)
        {
            return new TimeCourse(100, 100);
        }
        var settings = JsonNode.Parse(runs[0].Settings)!.AsObject();
        var span = settings["timeSpan"]!.AsArray();
        var end = span[1]!.GetValue<double>();
        var count = settings["saveTimes"]?["count"]?.GetValue<int>() ?? 101;
        var solver = (string?)settings["solver"] ?? "";
        var algorithm = KisaoAlgorithms.FirstOrDefault(a => solver.Contains(a, StringComparison.Ordinal));
        if (algorithm is null)
        {
            algorithm = "Tsit5";
            note = $"The cohort's solver '{solver}' has no KiSAO term here; the archive's SED-ML names Tsit5.";
        }
        else if (solver.StartsWith("Auto", StringComparison.Ordinal))
        {
            note = $"The cohort was solved with '{solver}', which switches to a stiff method when needed; the archive's SED-ML names its non-stiff method, {algorithm}.";
        }
        var relTol = Tolerance(solver, "RelTol") ?? 1e-6;
        var absTol = Tolerance(solver, "AbsTol") ?? 1e-8;
        return new TimeCourse(end, Math.Max(1, count - 1), algorithm, relTol, absTol);
    }

    private static double? Tolerance(string solver, string name)
    {
        var match = Regex.Match(solver, name + @"=([0-9.eE+-]+)", RegexOptions.CultureInvariant);
        return match.Success && double.TryParse(match.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : null;
    }

    private static int Failed(RunRow run) => JsonNode.Parse(run.Settings)?["failed"]?.GetValue<int>() ?? 0;

    private static SamplingStrategy Sampling(CohortRow cohort, IReadOnlyList<SubjectRow> subjects)
    {
        if (subjects.All(s => s.SamplingWeight == 1))
        {
            return new SamplingStrategy("reference", cohort.Seed, new Dictionary<string, double>());
        }
        var weights = subjects.GroupBy(s => s.SamplingWeight).OrderBy(g => g.Key)
            .ToDictionary(g => string.Create(CultureInfo.InvariantCulture, $"{g.Count()} subjects of weight {g.Key:G6}"), g => g.Key, StringComparer.Ordinal);
        return new SamplingStrategy("oversampled", cohort.Seed, weights);
    }

    /// <summary>The oversampled subgroups recorded in the cohort's design, as text (empty when none).</summary>
    private static string Oversampled(CohortRow cohort) =>
        (JsonNode.Parse(cohort.Specification) as JsonObject)?["representation"]?["factors"] is JsonObject { Count: > 0 } factors
            ? " (oversampled: " + string.Join(", ", factors.Select(f => $"{f.Key} ×{f.Value?.ToJsonString()}")) + "; the other subjects carry the sampling weights that restore the population)"
            : "";

    private static List<Score> EvaluationScores(IReadOnlyList<EvaluationRow> evaluations, out int notComputed)
    {
        notComputed = 0;
        var scores = new List<Score>();
        foreach (var e in evaluations)
        {
            if (JsonNode.Parse(e.Json) is not JsonObject report)
            {
                continue;
            }
            foreach (var aggregate in new[] { "overall_fidelity", "column_shapes", "column_pair_trends" })
            {
                if (report[aggregate] is JsonValue v && v.TryGetValue<double>(out var x))
                {
                    scores.Add(new Score(aggregate.Replace('_', ' '), x, e.Name));
                }
            }
            foreach (var s in report["scores"] as JsonArray ?? [])
            {
                var metric = (string?)s?["metric"] ?? "score";
                var column = (string?)s?["column"];
                var subgroup = (string?)s?["subgroup"];
                if (s?["value"] is JsonValue value && value.TryGetValue<double>(out var number))
                {
                    scores.Add(new Score(column is null ? metric : $"{metric} ({column})", number, subgroup is null ? e.Name : $"{e.Name}, {subgroup}"));
                }
                else
                {
                    notComputed++;
                }
            }
        }
        return scores;
    }

    private static void WriteParameterSets(string path, IReadOnlyList<SubjectRow> subjects, IReadOnlyList<ParameterSetRow> sets)
    {
        var index = subjects.ToDictionary(s => s.SubjectId, s => s.SubjectIndex, StringComparer.Ordinal);
        CsvFiles.WriteAtomically(path, ["param_set_id", "subject_id", "subject_index", "model_digest", "parameter", "value", "unit"],
            sets.SelectMany(p => p.Values.Select(v => (IReadOnlyList<string?>)
            [
                p.ParameterSetId, p.SubjectId, index[p.SubjectId].ToString(CultureInfo.InvariantCulture), p.ModelDigest, v.Name,
                v.Value.ToString("R", CultureInfo.InvariantCulture), v.Unit,
            ])));
    }

    private static List<(string Name, string DataType, string Description)> SubjectColumns(IReadOnlyList<SubjectRow> subjects, IReadOnlyList<ParameterSetRow> sets)
    {
        var columns = new List<(string, string, string)>
        {
            ("subject_id", "sc:Text", "The subject's record-level id"),
            ("subject_index", "sc:Integer", "The subject's index: the entity of its random streams"),
            ("sampling_weight", "sc:Float", "The sampling weight (1 for reference sampling)"),
        };
        var first = subjects.Count > 0 ? subjects[0] : null;
        foreach (var c in first?.Covariates ?? [])
        {
            columns.Add((c.Name, c.Number is null ? "sc:Text" : "sc:Float", c.Unit is null ? $"Covariate {c.Name}" : $"Covariate {c.Name} ({c.Unit})"));
        }
        var names = first?.Covariates.Select(c => c.Name).ToHashSet(StringComparer.Ordinal) ?? [];
        foreach (var v in sets.Count > 0 ? sets[0].Values : [])
        {
            columns.Add((names.Contains(v.Name) ? "parameter_" + v.Name : v.Name, "sc:Float", $"Parameter {v.Name} ({v.Unit})"));
        }
        return columns;
    }

    private static List<(string Name, string DataType, string Description)> ObservationColumns() =>
    [
        ("record_id", "sc:Text", "The record's unique id"), ("subject_id", "sc:Text", "The subject"), ("subject_index", "sc:Integer", "The subject's stream index"),
        ("param_set_id", "sc:Text", "The parameter set"), ("run_id", "sc:Text", "The simulation run (one per arm)"), ("cohort_id", "sc:Text", "The cohort"),
        ("arm", "sc:Text", "The treatment arm"), ("source", "sc:Text", "The data source"), ("model_digest", "sc:Text", "The generating model's digest"),
        ("seed", "sc:Text", "The seed of the random streams"), ("visit", "sc:Integer", "The visit number"), ("nominal_time", "sc:Float", "The scheduled time"),
        ("time", "sc:Float", "The actual time"), ("endpoint", "sc:Text", "The endpoint"), ("unit", "sc:Text", "The endpoint's unit"),
        ("value", "sc:Float", "The observed value"), ("censored", "sc:Boolean", "Below the limit of quantification (1) or not (0)"),
        ("lloq", "sc:Float", "The lower limit of quantification"), ("status", "sc:Text", "Observed, Missed, DroppedOut or SimulationFailed"),
        ("true_value", "sc:Float", "The noiseless simulated value"),
    ];

    private static List<(string Name, string DataType, string Description)> ParameterSetColumns() =>
    [
        ("param_set_id", "sc:Text", "The parameter set"), ("subject_id", "sc:Text", "The subject"), ("subject_index", "sc:Integer", "The subject's stream index"),
        ("model_digest", "sc:Text", "The model the set belongs to"), ("parameter", "sc:Text", "The parameter"), ("value", "sc:Float", "Its value"),
        ("unit", "sc:Text", "Its unit"),
    ];

    private static DateTimeOffset? ParseTime(string text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : null;

    internal static string StripBuild(string version) => version.IndexOf('+', StringComparison.Ordinal) is var plus and >= 0 ? version[..plus] : version;

    /// <summary>The evidence a store gives for the credibility report.</summary>
    private sealed class StoreEvidence(List<CrateFile> files)
    {
        public List<(CohortRow Cohort, IReadOnlyList<RunRow> Runs, int Evaluations, Model Model)> Cohorts { get; } = [];

        public CredibilityReport Report(ReleaseOptions options)
        {
            // The rigour asked of each factor grows with the model risk (V&V 40): the target is the risk level, 1 to 5.
            var target = (int)options.ModelInfluence + (int)options.DecisionConsequence - 1;
            var failed = Cohorts.Sum(c => c.Runs.Sum(Failed));
            var trajectories = Cohorts.Sum(c => c.Runs.Count * c.Cohort.Size);
            var solvers = string.Join("; ", Cohorts.SelectMany(c => c.Runs.Select(r => (string?)JsonNode.Parse(r.Settings)?["solver"])).OfType<string>().Distinct(StringComparer.Ordinal));
            var parameters = Cohorts.Select(c => c.Model).DistinctBy(m => m.Digest).SelectMany(m => m.Parameters).ToList();
            var referenced = parameters.Count(p => p.Reference is not null);
            var evaluated = Cohorts.Count(c => c.Evaluations > 0);
            var modelCards = string.Join(", ", files.Where(f => f.Path.EndsWith(".model-card.json", StringComparison.Ordinal)).Select(f => f.Path));
            var inputs = parameters.Count == 0 ? 1 : referenced == parameters.Count ? 3 : referenced > 0 ? 2 : 1;
            var core = new LayerAssessment(TwinLayer.MechanisticCore,
                $"{string.Join(", ", Cohorts.Select(c => c.Model).DistinctBy(m => m.Digest).Select(m => $"{m.Name} {m.Version} ({m.Digest})"))}, solved with {solvers}.",
                [
                    new FactorAssessment(CredibilityFactor.NumericalSolverError, target, failed == 0 ? 3 : 1,
                        [new Evidence($"{trajectories - failed} of {trajectories} trajectories solved with adaptive error control ({solvers}); {failed} failed", ProvenanceCrate.MetadataFile)]),
                    new FactorAssessment(CredibilityFactor.ModelInputs, target, inputs,
                        [new Evidence($"{referenced} of {parameters.Count} nominal parameters cite a literature reference", modelCards.Length > 0 ? modelCards : "models/")]),
                    new FactorAssessment(CredibilityFactor.UseError, target, 4,
                        [new Evidence("Model digests, seeds, TwinLab and .NET versions are recorded with every cohort, and every file is listed with its SHA-256", ChecksumFile)]),
                ]);
            var synthetic = new LayerAssessment(TwinLayer.SyntheticData,
                string.Create(CultureInfo.InvariantCulture, $"{Cohorts.Count} cohort(s), {Cohorts.Sum(c => c.Cohort.Size)} virtual subjects; {evaluated} with a stored evaluation."),
                [
                    new FactorAssessment(CredibilityFactor.TestSamples, target, evaluated == Cohorts.Count ? 3 : evaluated > 0 ? 2 : 1,
                        [new Evidence($"{evaluated} of {Cohorts.Count} cohorts have a stored fidelity/utility/privacy evaluation", "cards/")]),
                    new FactorAssessment(CredibilityFactor.OutputComparison, target, evaluated == Cohorts.Count ? 3 : evaluated > 0 ? 2 : 1,
                        [new Evidence("Evaluation scores of the synthetic records against real records, where stored", "cards/")]),
                ]);
            return new CredibilityReport($"Credibility of {options.Name}", options.QuestionOfInterest, options.ContextOfUse, options.ModelInfluence, options.DecisionConsequence,
                [core, synthetic,
                 new LayerAssessment(TwinLayer.AiComponents, "No AI component is part of this release.", []),
                 new LayerAssessment(TwinLayer.SystemAndFeedback, "No deployed system or feedback loop is part of this release.", [])]);
        }
    }
}

using System.Globalization;
using TwinLab.Data.Store;

namespace TwinLab.Data.Csv;

/// <summary>
/// A cohort's subjects as one CSV row each: <c>subject_id</c>, <c>subject_index</c>, <c>sampling_weight</c>, then every
/// covariate (numbers, or levels as text) and every parameter, in stored order. This is the table that synthetic-data
/// evaluation compares with real data.
/// </summary>
public static class SubjectCsv
{
    /// <summary>Writes the table through a temporary file renamed into place.</summary>
    /// <param name="path">The file.</param>
    /// <param name="subjects">The subjects (all with the same covariates).</param>
    /// <param name="parameterSets">Their parameter sets, one per subject.</param>
    /// <returns>How many rows were written.</returns>
    /// <exception cref="ArgumentException">A subject has no parameter set, or subjects have different covariates or parameters.</exception>
    public static int Write(string path, IReadOnlyList<SubjectRow> subjects, IReadOnlyList<ParameterSetRow> parameterSets)
    {
        ArgumentNullException.ThrowIfNull(subjects);
        ArgumentNullException.ThrowIfNull(parameterSets);
        var sets = parameterSets.ToDictionary(p => p.SubjectId, StringComparer.Ordinal);
        var covariates = subjects.Count == 0 ? [] : subjects[0].Covariates.Select(c => c.Name).ToArray();
        var parameters = parameterSets.Count == 0 ? [] : parameterSets[0].Values.Select(v => v.Name).ToArray();
        var clash = covariates.Intersect(parameters, StringComparer.Ordinal).ToList();
        string[] columns = ["subject_id", "subject_index", "sampling_weight", .. covariates, .. parameters.Select(p => clash.Contains(p) ? "parameter_" + p : p)];
        return CsvFiles.WriteAtomically(path, columns, subjects.Select(s =>
        {
            if (!sets.TryGetValue(s.SubjectId, out var set))
            {
                throw new ArgumentException($"Subject '{s.SubjectId}' has no parameter set.", nameof(parameterSets));
            }
            if (!s.Covariates.Select(c => c.Name).SequenceEqual(covariates) || !set.Values.Select(v => v.Name).SequenceEqual(parameters))
            {
                throw new ArgumentException($"Subject '{s.SubjectId}' has other covariates or parameters than the first subject; export one cohort at a time.", nameof(subjects));
            }
            return (IReadOnlyList<string?>)
            [
                s.SubjectId, s.SubjectIndex.ToString(CultureInfo.InvariantCulture), s.SamplingWeight.ToString("R", CultureInfo.InvariantCulture),
                .. s.Covariates.Select(c => c.Level ?? c.Number?.ToString("R", CultureInfo.InvariantCulture)),
                .. set.Values.Select(v => v.Value.ToString("R", CultureInfo.InvariantCulture)),
            ];
        }));
    }
}

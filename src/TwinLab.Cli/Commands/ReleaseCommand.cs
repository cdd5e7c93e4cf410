using System.CommandLine;
using System.Globalization;
using Microsoft.Data.Sqlite;
using TwinLab.Governance.Release;

namespace TwinLab.Cli.Commands;

/// <summary><c>twinlab release --db COHORT.db --out DIR</c>: writes the release bundle of every cohort in a store (cohort
/// CSVs, model archives, data and model cards, credibility report, RO-Crate, SHA256SUMS), assembled in a temporary
/// folder and renamed into place.</summary>
internal sealed class ReleaseCommand(TextWriter output) : CliCommand(output)
{
    public const string Name = "release";

    /// <summary>Everything <c>release</c> was asked to do.</summary>
    internal sealed record Request(string Database, string Out)
    {
        /// <summary>Replace an existing non-empty folder.</summary>
        public bool Force { get; init; }

        /// <summary>The release's name.</summary>
        public string? ReleaseName { get; init; }

        /// <summary>The release date (ISO 8601).</summary>
        public string? Published { get; init; }

        /// <summary>Who made the release.</summary>
        public string? Creator { get; init; }

        /// <summary>Where the release is published.</summary>
        public string? Url { get; init; }
    }

    public override Command Build()
    {
        var database = new Option<string>("--db") { Description = "The cohort store (written by 'twinlab cohort generate').", Required = true };
        var outDir = new Option<string>("--out") { Description = "The release folder to create; an existing non-empty folder is refused unless --force.", Required = true };
        var force = new Option<bool>("--force") { Description = "Replace an existing non-empty release folder." };
        var name = new Option<string?>("--name") { Description = "The release's name (default twinlab-release)." };
        var published = new Option<string?>("--published") { Description = "The release date recorded in cards, crate and archives (ISO 8601, e.g. 2026-01-01T00:00:00Z); now when omitted." };
        var creator = new Option<string?>("--creator") { Description = "Who made the release (\"Given Family\" or an organisation; default TwinLab Contributors)." };
        var url = new Option<string?>("--url") { Description = "Where the release is published (an absolute http or https URL); default: the release folder itself." };
        var command = new Command(Name, "Write the release of a cohort store: cohort CSVs, model archives (.omex), data cards (Croissant), model cards, credibility report, RO-Crate and SHA256SUMS.")
        {
            database, outDir, force, name, published, creator, url,
        };
        command.SetAction(r => Execute(new Request(r.GetRequiredValue(database), r.GetRequiredValue(outDir))
        {
            Force = r.GetValue(force),
            ReleaseName = r.GetValue(name),
            Published = r.GetValue(published),
            Creator = r.GetValue(creator),
            Url = r.GetValue(url),
        }));
        return command;
    }

    public int Execute(Request request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var options = new ReleaseOptions();
        if (request.ReleaseName is { } releaseName)
        {
            options = options with { Name = releaseName };
        }
        if (request.Creator is { } creator)
        {
            options = options with { Creator = creator };
        }
        if (request.Url is { } address)
        {
            if (!Uri.TryCreate(address, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                throw new UsageException($"--url '{address}' is not an absolute http or https URL, e.g. https://zenodo.org/records/123456.");
            }
            options = options with { Url = address };
        }
        if (request.Published is { } text)
        {
            if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var when))
            {
                throw new UsageException($"--published '{text}' is not a date and time: use ISO 8601, e.g. 2026-01-01T00:00:00Z.");
            }
            options = options with { Published = when };
        }
        ReleaseSummary summary;
        try
        {
            summary = ReleaseBundle.Write(request.Database, request.Out, options, request.Force);
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message, e);
        }
        catch (Exception e) when (e is SqliteException or IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"Cannot write the release '{request.Out}' from '{request.Database}': {e.Message}", e);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
        }
        Output.WriteLine(summary.ToString());
        Output.WriteLine($"wrote {request.Out}");
        return ExitCodes.Success;
    }
}

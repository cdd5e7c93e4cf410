using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using TwinLab.Simulation.Ensembles;

namespace TwinLab.Cli.Commands;

/// <summary>Writes an ensemble as long-format CSV (patient, time, states, observables) or as an SQLite database,
/// always to a temporary file renamed into place, so a failed write leaves nothing behind.</summary>
internal static class EnsembleOutput
{
    public static void Write(EnsembleSolution solution, string path, string provenanceJson)
    {
        var temporary = path + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp";
        try
        {
            if (path.EndsWith(".db", StringComparison.OrdinalIgnoreCase))
            {
                WriteSqlite(solution, temporary, provenanceJson);
            }
            else
            {
                File.WriteAllText(temporary, Csv(solution), new UTF8Encoding(false));
            }
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }

    private static IEnumerable<(int Patient, int Index, double[] Row)> Rows(EnsembleSolution solution)
    {
        var model = solution.Model;
        var n = model.States.Count;
        var observables = new double[model.Observables.Count];
        for (var i = 0; i < solution.Count; i++)
        {
            var states = model.States.Select(s => solution.State(i, s.Name)).ToArray();
            var parameters = solution.Problem.Template.Parameters.ToArray();
            foreach (var column in solution.Problem.Patients.Columns)
            {
                var k = model.Parameters.ToList().FindIndex(p => p.Name == column);
                if (k >= 0)
                {
                    parameters[k] = solution.Problem.Patients.Column(column)[i];
                }
            }
            for (var j = 0; j < solution.Times.Count; j++)
            {
                var row = new double[n + observables.Length];
                for (var s = 0; s < n; s++)
                {
                    row[s] = states[s][j];
                }
                if (observables.Length > 0)
                {
                    model.Compiled.Observables(solution.Times[j], row.AsSpan(0, n), parameters, observables);
                    observables.CopyTo(row.AsSpan(n));
                }
                yield return (i, j, row);
            }
        }
    }

    private static IEnumerable<string> Columns(EnsembleSolution solution) =>
        solution.Model.States.Select(s => s.Name).Concat(solution.Model.Observables.Select(o => o.Name));

    private static string Csv(EnsembleSolution solution)
    {
        var sb = new StringBuilder();
        sb.Append("patient,time");
        foreach (var c in Columns(solution))
        {
            sb.Append(',').Append(c);
        }
        sb.Append('\n');
        foreach (var (patient, index, row) in Rows(solution))
        {
            sb.Append(patient.ToString(CultureInfo.InvariantCulture)).Append(',').Append(solution.Times[index].ToString("R", CultureInfo.InvariantCulture));
            foreach (var v in row)
            {
                sb.Append(',').Append(v.ToString("R", CultureInfo.InvariantCulture));
            }
            sb.Append('\n');
        }
        return sb.ToString();
    }

    private static void WriteSqlite(EnsembleSolution solution, string path, string provenanceJson)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false }.ToString());
        connection.Open();
        using var transaction = connection.BeginTransaction();
        var columns = Columns(solution).ToArray();
        Execute(connection, transaction, "CREATE TABLE metadata (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
        Execute(connection, transaction, "CREATE TABLE patients (patient INTEGER PRIMARY KEY, status TEXT NOT NULL)");
        Execute(connection, transaction, "CREATE TABLE trajectories (patient INTEGER NOT NULL REFERENCES patients(patient), time REAL NOT NULL, "
            + string.Join(", ", columns.Select(c => $"\"{c}\" REAL")) + ", PRIMARY KEY (patient, time))");
        using (var insert = connection.CreateCommand())
        {
            insert.Transaction = transaction;
            insert.CommandText = "INSERT INTO metadata VALUES ($k, $v)";
            var k = insert.Parameters.Add("$k", SqliteType.Text);
            var v = insert.Parameters.Add("$v", SqliteType.Text);
            k.Value = "provenance";
            v.Value = provenanceJson;
            insert.ExecuteNonQuery();
        }
        using (var insert = connection.CreateCommand())
        {
            insert.Transaction = transaction;
            insert.CommandText = "INSERT INTO patients VALUES ($p, $s)";
            var p = insert.Parameters.Add("$p", SqliteType.Integer);
            var s = insert.Parameters.Add("$s", SqliteType.Text);
            for (var i = 0; i < solution.Count; i++)
            {
                p.Value = i;
                s.Value = solution.Statuses[i].ToString();
                insert.ExecuteNonQuery();
            }
        }
        using (var insert = connection.CreateCommand())
        {
            insert.Transaction = transaction;
            insert.CommandText = $"INSERT INTO trajectories VALUES ($patient, $time, {string.Join(", ", columns.Select((_, i) => $"$c{i}"))})";
            var patient = insert.Parameters.Add("$patient", SqliteType.Integer);
            var time = insert.Parameters.Add("$time", SqliteType.Real);
            var values = columns.Select((_, i) => insert.Parameters.Add($"$c{i}", SqliteType.Real)).ToArray();
            foreach (var (p, index, row) in Rows(solution))
            {
                patient.Value = p;
                time.Value = solution.Times[index];
                for (var c = 0; c < values.Length; c++)
                {
                    values[c].Value = double.IsNaN(row[c]) ? DBNull.Value : row[c];
                }
                insert.ExecuteNonQuery();
            }
        }
        transaction.Commit();
    }

    private static void Execute(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}

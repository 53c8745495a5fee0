using System.Globalization;

namespace Subscriptions.Storage;

/// <summary>
/// How many connections one silo may open to PostgreSQL against how many the server takes: every silo of a cluster
/// shares one server, and a server out of connections refuses new ones (53300), which the service reports as
/// UNAVAILABLE. Read once at start-up, so a pool too large for the server is named before a burst finds it.
/// </summary>
/// <param name="ServerAllows">The server's <c>max_connections</c> less the connections it reserves for superusers and reserved roles.</param>
/// <param name="SiloMaximum">The most this silo opens: its pool's maximum and its membership's own pool.</param>
/// <param name="PoolSize">The pool's maximum, from the connection string or <see cref="ServiceDataSource.DefaultMaxPoolSize"/>.</param>
/// <param name="OtherSilos">The cluster's other silos recorded active in the membership table.</param>
public sealed record ConnectionBudget(int ServerAllows, int SiloMaximum, int PoolSize, int OtherSilos)
{
    /// <summary>The most the cluster's silos open together, counting this one.</summary>
    public int ClusterMaximum => checked(SiloMaximum * (OtherSilos + 1));

    /// <summary>True when the cluster's silos together could open more connections than the server takes.</summary>
    public bool Exceeded => ClusterMaximum > ServerAllows;

    /// <summary>
    /// Reads the server's limits and the cluster's active silos from a migrated database; <paramref name="membershipPoolSize"/>
    /// is the membership pool's maximum (0 without one).
    /// </summary>
    public static async Task<ConnectionBudget> ReadAsync(Npgsql.NpgsqlDataSource dataSource, string clusterId, int membershipPoolSize, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentException.ThrowIfNullOrWhiteSpace(clusterId);
        await using var command = dataSource.CreateCommand(
            """
            SELECT current_setting('max_connections')::int
                   - current_setting('superuser_reserved_connections')::int
                   - coalesce(current_setting('reserved_connections', true)::int, 0),
                   (SELECT count(*)::int FROM public.orleans_membership WHERE deployment_id = $1 AND status = 3)
            """);
        command.Parameters.Add(new() { Value = clusterId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var pool = new Npgsql.NpgsqlConnectionStringBuilder(dataSource.ConnectionString).MaxPoolSize;
        return new ConnectionBudget(reader.GetInt32(0), pool + membershipPoolSize, pool, reader.GetInt32(1));
    }

    /// <summary>One line for the silo's log: the figures, and what to change when they do not fit.</summary>
    public string Describe()
    {
        var silos = OtherSilos == 0
            ? string.Create(CultureInfo.InvariantCulture, $"this silo may open up to {SiloMaximum}")
            : string.Create(CultureInfo.InvariantCulture, $"this silo and the {OtherSilos} other active silo(s) of its cluster may open up to {ClusterMaximum} ({SiloMaximum} each)");
        var figures = string.Create(
            CultureInfo.InvariantCulture,
            $"PostgreSQL takes {ServerAllows} connections (max_connections less its reserved ones); {silos}: 'Maximum Pool Size' {PoolSize} in ConnectionStrings:Subscriptions, and {SiloMaximum - PoolSize} for membership");
        return Exceeded
            ? figures + ". Under load the server would refuse connections and calls would get UNAVAILABLE: lower 'Maximum Pool Size' or raise max_connections."
            : figures + ".";
    }
}

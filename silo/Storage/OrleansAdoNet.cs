namespace Subscriptions.Storage;

/// <summary>What Orleans' ADO.NET providers need to run on this schema.</summary>
public static class OrleansAdoNet
{
    /// <summary>
    /// The ADO.NET invariant the providers are configured with. They resolve Npgsql's <c>DbProviderFactory</c> by
    /// reflection from this name, so the host must reference the Npgsql package.
    /// </summary>
    public const string Invariant = "Npgsql";

    /// <summary>Keys the clustering provider requires in <c>OrleansQuery</c> (it refuses to start if one is missing).</summary>
    public static IReadOnlyList<string> ClusteringQueryKeys { get; } =
    [
        "UpdateIAmAlivetimeKey",
        "InsertMembershipVersionKey",
        "InsertMembershipKey",
        "UpdateMembershipKey",
        "MembershipReadRowKey",
        "MembershipReadAllKey",
        "DeleteMembershipTableEntriesKey",
        "GatewaysQueryKey",
        "CleanupDefunctSiloEntriesKey",
    ];

    /// <summary>
    /// Keys the clustering provider uses when present: <c>CleanupDefunctSiloEntryKey</c> deletes one dead silo's row
    /// only if it is unchanged since it was read (otherwise the provider falls back to the bulk cleanup query).
    /// </summary>
    public static IReadOnlyList<string> OptionalClusteringQueryKeys { get; } = ["CleanupDefunctSiloEntryKey"];

    /// <summary>Keys the reminder provider requires in <c>OrleansQuery</c> (it refuses to start if one is missing).</summary>
    public static IReadOnlyList<string> ReminderQueryKeys { get; } =
    [
        "UpsertReminderRowKey",
        "ReadReminderRowsKey",
        "ReadReminderRowKey",
        "ReadRangeRows1Key",
        "ReadRangeRows2Key",
        "DeleteReminderRowKey",
        "DeleteReminderRowsKey",
    ];

    /// <summary>Every key this schema provides.</summary>
    public static IReadOnlyList<string> AllQueryKeys { get; } =
        [.. ClusteringQueryKeys, .. OptionalClusteringQueryKeys, .. ReminderQueryKeys];
}

/// <summary>The service's one data source for a connection string.</summary>
public static class ServiceDataSource
{
    /// <summary>
    /// The most connections a silo's data source opens when the connection string does not say (Npgsql's own default is
    /// 100). Each silo opens at most this many plus its membership's own few, so two silos stay under the 97 connections
    /// a PostgreSQL server takes by default; the benchmarks ran no faster with pools of 8 to 100
    /// (docs/benchmarks-runtime.md).
    /// </summary>
    public const int DefaultMaxPoolSize = 32;

    /// <summary>
    /// A data source on <paramref name="connectionString"/> tuned for many short statements: at most
    /// <see cref="DefaultMaxPoolSize"/> connections, pooled connections not reset on return (no session state is ever set
    /// on them), and statements run often prepared automatically. Settings given in the connection string win.
    /// </summary>
    public static Npgsql.NpgsqlDataSource Create(string connectionString)
    {
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        if (!Given(builder, "No Reset On Close"))
        {
            builder.NoResetOnClose = true;
        }

        if (!Given(builder, "Max Auto Prepare"))
        {
            builder.MaxAutoPrepare = 50;
        }

        if (!Given(builder, "Maximum Pool Size"))
        {
            builder.MaxPoolSize = DefaultMaxPoolSize;
        }

        return Npgsql.NpgsqlDataSource.Create(builder.ConnectionString);
    }

    /// <summary>
    /// True when the connection string set the setting whose keyword is <paramref name="keyword"/>, under that name or
    /// another ("MaxPoolSize" for "Maximum Pool Size"): the builder keeps each key it was given under its keyword.
    /// </summary>
    private static bool Given(Npgsql.NpgsqlConnectionStringBuilder builder, string keyword) =>
        builder.Keys.Contains(keyword, StringComparer.OrdinalIgnoreCase);
}

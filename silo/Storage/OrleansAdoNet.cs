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
    /// A data source on <paramref name="connectionString"/> tuned for many short statements: pooled connections are not
    /// reset on return (no session state is ever set on them), and statements run often are prepared automatically.
    /// Settings given in the connection string win.
    /// </summary>
    public static Npgsql.NpgsqlDataSource Create(string connectionString)
    {
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        if (!connectionString.Contains("Reset On Close", StringComparison.OrdinalIgnoreCase))
        {
            builder.NoResetOnClose = true;
        }

        if (!connectionString.Contains("Auto Prepare", StringComparison.OrdinalIgnoreCase))
        {
            builder.MaxAutoPrepare = 50;
        }

        return Npgsql.NpgsqlDataSource.Create(builder.ConnectionString);
    }
}

using System.Net.Sockets;
using Npgsql;

namespace Subscriptions.Storage;

/// <summary>The database schema is newer than this release knows, or an applied migration was altered.</summary>
public sealed class SchemaMismatchException : Exception
{
    public SchemaMismatchException()
    {
    }

    public SchemaMismatchException(string message)
        : base(message)
    {
    }

    public SchemaMismatchException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// The database could not be reached or dropped the connection (network, refused connection, server shutting down,
/// too many connections). Retrying later may succeed; the inner exception carries the driver's detail.
/// </summary>
public sealed class DatabaseUnavailableException : Exception
{
    public DatabaseUnavailableException()
    {
    }

    public DatabaseUnavailableException(string message)
        : base(message)
    {
    }

    public DatabaseUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>
    /// True when <paramref name="exception"/> means the database is unreachable rather than that a statement failed:
    /// a connection-class SQLSTATE (08…), an administrator or crash shutdown (57P01–57P03), too many connections
    /// (53300), or a driver, socket, I/O or timeout failure that carries no server error.
    /// </summary>
    public static bool IsUnavailable(Exception exception) => exception switch
    {
        PostgresException pg => pg.SqlState.StartsWith("08", StringComparison.Ordinal) || pg.SqlState is "57P01" or "57P02" or "57P03" or "53300",
        NpgsqlException => true,
        TimeoutException => true,
        SocketException => true,
        IOException => true,
        _ => false,
    };
}

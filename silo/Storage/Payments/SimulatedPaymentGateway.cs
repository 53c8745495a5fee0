using Npgsql;
using Subscriptions.Grains;
using Subscriptions.Grains.Infrastructure;
using Subscriptions.Grains.Payments;

namespace Subscriptions.Storage.Payments;

/// <summary>
/// A deterministic payment gateway for development and tests, keeping its charges in its own table
/// (<c>payment_simulator_charges</c>) as a real gateway keeps them on its side. The token decides the outcome, like a
/// real gateway's test cards (docs/api.md lists them):
/// <list type="bullet">
/// <item><c>tok_decline…</c>: declined ("card_declined"); <c>tok_insufficient…</c>: declined ("insufficient_funds");</item>
/// <item><c>tok_sca…</c>: requires authentication, then succeeds when confirmed; <c>tok_sca_decline…</c>: requires
/// authentication, then is declined when confirmed;</item>
/// <item><c>tok_transient…</c>: the first call for a key fails transiently (nothing charged), the next one succeeds;</item>
/// <item>any other token succeeds.</item>
/// </list>
/// A key seen before gets its first answer; the same key with another token, amount or currency is refused, as real
/// gateways refuse a reused idempotency key.
/// </summary>
public sealed class SimulatedPaymentGateway(NpgsqlDataSource dataSource) : IPaymentGateway
{
    /// <inheritdoc />
    public Task<GatewayResult> ChargeAsync(GatewayCharge charge, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(charge);
        return ReachableAsync(() => ChargeCoreAsync(charge, cancellationToken));
    }

    /// <inheritdoc />
    public Task<GatewayResult> ConfirmAsync(string reference, CancellationToken cancellationToken) =>
        ReachableAsync(() => SettleAsync(reference, confirm: true, cancellationToken));

    /// <inheritdoc />
    public Task<GatewayResult> CancelAsync(string reference, CancellationToken cancellationToken) =>
        ReachableAsync(() => SettleAsync(reference, confirm: false, cancellationToken));

    /// <inheritdoc />
    public Task<IReadOnlyList<GatewayChargeRecord>> ListChargesAsync(string invoiceKey, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(invoiceKey);
        return ReachableAsync(() => ListChargesCoreAsync(invoiceKey, cancellationToken));
    }

    /// <summary>
    /// Runs one gateway operation; its store out of reach at any step (connecting, a statement, the commit) is the
    /// gateway unreachable, which callers retry under the same key, never a failure of the call.
    /// </summary>
    private static async Task<T> ReachableAsync<T>(Func<Task<T>> operation)
    {
        try
        {
            return await operation();
        }
        catch (Exception e) when (e is not PaymentGatewayUnavailableException && DatabaseFailures.Is(e))
        {
            throw new PaymentGatewayUnavailableException($"The payment gateway is unreachable: {e.Message}");
        }
    }

    private async Task<GatewayResult> ChargeCoreAsync(GatewayCharge charge, CancellationToken cancellationToken)
    {
        var (status, reason) = Decide(charge.Token);
        var reference = "sim_" + Guid.NewGuid().ToString("N");
        await using var connection = await OpenAsync(cancellationToken);

        // A first call is one statement, committed on its own; only a retry of a stored key reads and settles it in a
        // transaction.
        await using (var insert = new NpgsqlCommand(
            """
            INSERT INTO public.payment_simulator_charges (idempotency_key, reference, token, amount, currency, description, status, decline_reason, invoice_key)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (idempotency_key) DO NOTHING
            """, connection))
        {
            insert.Parameters.AddWithValue(charge.IdempotencyKey);
            insert.Parameters.AddWithValue(reference);
            insert.Parameters.AddWithValue(charge.Token);
            insert.Parameters.AddWithValue(charge.Amount);
            insert.Parameters.AddWithValue(charge.Currency);
            insert.Parameters.AddWithValue(charge.Description);
            insert.Parameters.AddWithValue(status);
            insert.Parameters.AddWithValue((object?)reason ?? DBNull.Value);
            insert.Parameters.AddWithValue(charge.InvoiceKey);
            if (await insert.ExecuteNonQueryAsync(cancellationToken) == 1)
            {
                return status == Transient
                    ? throw new PaymentGatewayUnavailableException($"The payment gateway failed before deciding charge {charge.IdempotencyKey}; retry with the same key.")
                    : Result(status, reference, reason);
            }
        }

        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var select = new NpgsqlCommand(
            "SELECT reference, token, amount, currency, status, decline_reason FROM public.payment_simulator_charges WHERE idempotency_key = $1 FOR UPDATE",
            connection, transaction);
        select.Parameters.AddWithValue(charge.IdempotencyKey);
        string storedStatus;
        string? storedReason;
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
        {
            await reader.ReadAsync(cancellationToken);
            if (reader.GetString(1) != charge.Token || reader.GetDecimal(2) != charge.Amount || reader.GetString(3) != charge.Currency)
            {
                throw new InvalidOperationException($"Idempotency key {charge.IdempotencyKey} was used before for another charge.");
            }

            reference = reader.GetString(0);
            storedStatus = reader.GetString(4);
            storedReason = reader.IsDBNull(5) ? null : reader.GetString(5);
        }

        // A retry: the first answer, except that a charge which failed transiently now goes through.
        var next = storedStatus == Transient ? Succeeded : storedStatus;
        await UpdateAsync(connection, transaction, reference, next, calls: true, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return Result(next, reference, storedReason);
    }

    private async Task<IReadOnlyList<GatewayChargeRecord>> ListChargesCoreAsync(string invoiceKey, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            """
            SELECT idempotency_key, reference, status, decline_reason, token, amount, currency, created_at FROM public.payment_simulator_charges
             WHERE invoice_key = $1 AND status <> 'transient' ORDER BY created_at, idempotency_key
            """, connection);
        command.Parameters.AddWithValue(invoiceKey);
        var charges = new List<GatewayChargeRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            charges.Add(new GatewayChargeRecord(
                reader.GetString(0), Result(reader.GetString(2), reader.GetString(1), reader.IsDBNull(3) ? null : reader.GetString(3)),
                reader.GetString(4), reader.GetDecimal(5), reader.GetString(6), reader.GetFieldValue<DateTimeOffset>(7)));
        }

        return charges;
    }

    private const string Succeeded = "succeeded";
    private const string Declined = "declined";
    private const string RequiresAction = "requires-action";
    private const string Cancelled = "cancelled";
    private const string Transient = "transient";

    private async Task<GatewayResult> SettleAsync(string reference, bool confirm, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reference);
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var select = new NpgsqlCommand(
            "SELECT token, status FROM public.payment_simulator_charges WHERE reference = $1 FOR UPDATE", connection, transaction);
        select.Parameters.AddWithValue(reference);
        string token, status;
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
        {
            if (!await reader.ReadAsync(cancellationToken))
            {
                throw new InvalidOperationException($"The payment gateway has no charge {reference}.");
            }

            token = reader.GetString(0);
            status = reader.GetString(1);
        }

        // Settling twice answers the first settlement (a retried confirmation charges once).
        if (status == RequiresAction)
        {
            status = !confirm ? Cancelled : token.StartsWith("tok_sca_decline", StringComparison.Ordinal) ? Declined : Succeeded;
            await UpdateAsync(connection, transaction, reference, status, calls: false, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return Result(status, reference, status == Declined ? "authentication_failed" : null);
    }

    private static (string Status, string? Reason) Decide(string token) => token switch
    {
        _ when token.StartsWith("tok_decline", StringComparison.Ordinal) => (Declined, "card_declined"),
        _ when token.StartsWith("tok_insufficient", StringComparison.Ordinal) => (Declined, "insufficient_funds"),
        _ when token.StartsWith("tok_sca", StringComparison.Ordinal) => (RequiresAction, null),
        _ when token.StartsWith("tok_transient", StringComparison.Ordinal) => (Transient, null),
        _ => (Succeeded, null),
    };

    private static GatewayResult Result(string status, string reference, string? reason) => status switch
    {
        Succeeded => new GatewayResult(GatewayOutcome.Succeeded, reference),
        Declined => new GatewayResult(GatewayOutcome.Declined, reference, reason),
        RequiresAction => new GatewayResult(GatewayOutcome.RequiresAction, reference),
        Cancelled => new GatewayResult(GatewayOutcome.Cancelled, reference),
        _ => throw new InvalidOperationException($"Unknown simulator status {status}."),
    };

    private static async Task UpdateAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string reference, string status, bool calls, CancellationToken cancellationToken)
    {
        await using var update = new NpgsqlCommand(
            "UPDATE public.payment_simulator_charges SET status = $2, calls = calls + $3, updated_at = now() WHERE reference = $1", connection, transaction);
        update.Parameters.AddWithValue(reference);
        update.Parameters.AddWithValue(status);
        update.Parameters.AddWithValue(calls ? 1 : 0);
        await update.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken) => await dataSource.OpenConnectionAsync(cancellationToken);
}

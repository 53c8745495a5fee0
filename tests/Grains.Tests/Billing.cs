using Npgsql;
using Orleans;
using Subscriptions.Domain.Accounts;
using Subscriptions.Domain.Accounts.Payments;
using Subscriptions.Domain.Billing;
using Subscriptions.Domain.Subscriptions;
using Subscriptions.Grains.Accounts;
using Subscriptions.Grains.SubscriptionLifecycle;
using Subscriptions.Grains.TestClocks;
using Subscriptions.TestHost;

namespace Subscriptions.Grains.Tests;

/// <summary>Arranges accounts and subscriptions through the grains, as the API would, and reads what was stored.</summary>
public static class Billing
{
    /// <summary>Billing ops, who may do anything.</summary>
    public static readonly Actor Ops = Actor.Ops("ops-test");

    /// <summary>
    /// Opens an account (a sandbox one on <paramref name="clockId"/> when given) with a card on file; with
    /// <paramref name="autopay"/> false, turns its autopay off, so no invoice it is issued is charged in a turn of its own.
    /// </summary>
    public static async Task OpenAccountAsync(this IGrainFactory grains, string accountId, string? clockId = null, bool autopay = true)
    {
        using (CallContext.Enter(Ops.SubjectId, $"open-{accountId}"))
        {
            await grains.GetGrain<IAccountGrain>(accountId).CreateAsync(Ops, new CreateAccount(
                accountId,
                "Acme Widgets",
                new ContactPerson("Ada Lovelace", "ada@acme.example", "+12175550100"),
                new PostalAddress("1 Main St", null, "Springfield", "IL", "62701", "US"),
                null,
                "USD",
                AccountKind.SelfService,
                null,
                $"holder-{accountId}",
                clockId is not null,
                clockId));
        }

        using (CallContext.Enter(Ops.SubjectId, $"card-{accountId}"))
        {
            await grains.GetGrain<IAccountGrain>(accountId).ChangeAsync(Ops, new AddCard("card-1", CardBrand.Visa, $"tok-{accountId}", "4242", 12, 2035));
        }

        if (!autopay)
        {
            using (CallContext.Enter(Ops.SubjectId, $"autopay-off-{accountId}"))
            {
                await grains.GetGrain<IAccountGrain>(accountId).ChangeAsync(Ops, new SetAutopay(false));
            }
        }
    }

    /// <summary>Buys a monthly Meeting Professional subscription with <paramref name="seats"/> seats.</summary>
    public static async Task<SubscriptionView> BuyAsync(this IGrainFactory grains, string accountId, string subscriptionId, int seats = 1)
    {
        using (CallContext.Enter(Ops.SubjectId, $"buy-{accountId}-{subscriptionId}"))
        {
            return await grains.GetGrain<ISubscriptionGrain>(SubscriptionKey.Of(accountId, subscriptionId)).CreateAsync(
                Ops, new CreatePaid(subscriptionId, accountId, "meeting", "professional", seats, BillingFrequency.Monthly, null, 0, null), null);
        }
    }

    /// <summary>Creates test clock <paramref name="clockId"/> at <paramref name="start"/>.</summary>
    public static async Task CreateClockAsync(this IGrainFactory grains, string clockId, DateTimeOffset start)
    {
        using (CallContext.Enter(Ops.SubjectId, $"clock-{clockId}"))
        {
            await grains.GetGrain<ITestClockGrain>(clockId).CreateAsync(start);
        }
    }

    /// <summary>How many invoices the account issued, as its snapshot says.</summary>
    public static async Task<IReadOnlyList<string>> InvoiceNumbersAsync(this IGrainFactory grains, string accountId) =>
        (await grains.GetGrain<IAccountGrain>(accountId).GetAsync(Ops)).InvoiceNumbers;

    /// <summary>The text a single-value query on the cluster's database answers (empty for none).</summary>
    public static async Task<string> TextAsync(this TestCluster cluster, string sql)
    {
        await using var command = cluster.DataSource.CreateCommand(sql);
        return await command.ExecuteScalarAsync() as string ?? "";
    }

    /// <summary>The value of a single-value query on the cluster's database.</summary>
    public static async Task<long> CountAsync(this TestCluster cluster, string sql, params object[] parameters)
    {
        await using var command = cluster.DataSource.CreateCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}

using Microsoft.Extensions.Logging.Abstractions;
using Orleans;
using Subscriptions.Domain;
using Subscriptions.Domain.Accounts;
using Subscriptions.Domain.Billing;
using Subscriptions.Domain.Errors;
using Subscriptions.Domain.Subscriptions;
using Subscriptions.Grains.Accounts;
using Subscriptions.Grains.Infrastructure;
using Subscriptions.Grains.Invoices;
using Subscriptions.Grains.SubscriptionLifecycle;
using Subscriptions.Silo;
using Subscriptions.TestHost;

namespace Subscriptions.Grains.Tests;

/// <summary>
/// A grain's stored record does not grow with the requests it answered (IDEM-1): answers live in the
/// answered_requests table, written in the same statement as the record, and are deleted after the retention. Nor with
/// the invoices it issued (ACC-6): a paid invoice leaves the account's ledger, and a subscription keeps its newest
/// invoice numbers only.
/// </summary>
public sealed class BoundedRecordTests : IAsyncLifetime
{
    private TestCluster _cluster = null!;

    private IGrainFactory Grains => _cluster.Grains;

    public async Task InitializeAsync() => _cluster = await TestCluster.StartAsync(nameof(BoundedRecordTests));

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task IDEM_1_a_record_after_5000_changes_is_within_a_few_KiB_of_its_size_after_5()
    {
        await Grains.OpenAccountAsync("busy-acc");
        var account = Grains.GetGrain<IAccountGrain>("busy-acc");
        long afterFive = 0;
        for (var change = 1; change <= 5000; change++)
        {
            using (CallContext.Enter(Billing.Ops.SubjectId, $"autopay-{change}"))
            {
                await account.ChangeAsync(Billing.Ops, new SetAutopay(change % 2 == 0));
            }

            if (change == 5)
            {
                afterFive = await RecordSizeAsync("busy-acc");
            }
        }

        var afterFiveThousand = await RecordSizeAsync("busy-acc");
        var answers = await _cluster.CountAsync("SELECT count(*) FROM public.answered_requests WHERE grain_type = 'account' AND grain_key = 'busy-acc' AND answer_key LIKE '% autopay-%'");

        Assert.InRange(afterFiveThousand - afterFive, -2048, 2048);
        Assert.Equal(5000, answers);
        using (CallContext.Enter(Billing.Ops.SubjectId, "autopay-1"))
        {
            // The first answer, from the table: autopay off, as change 1 set it, although change 5000 turned it on.
            Assert.False((await account.ChangeAsync(Billing.Ops, new SetAutopay(true))).Account.AutopayEnabled);
        }
    }

    [Fact]
    public async Task IDEM_1_answers_are_deleted_after_the_retention_on_the_real_clock_and_a_late_retry_is_a_new_change()
    {
        await Grains.OpenAccountAsync("old-acc");
        var account = Grains.GetGrain<IAccountGrain>("old-acc");
        using (CallContext.Enter(Billing.Ops.SubjectId, "member-1"))
        {
            await account.ChangeAsync(Billing.Ops, new SetAutopay(false));
        }

        var options = _cluster.SiloService<GrainRecordOptions>();
        var pruning = new AnsweredRequestPruning(_cluster.SiloService<Subscriptions.Storage.Grains.GrainTables>(), options, _cluster.Clock, NullLogger<AnsweredRequestPruning>.Instance);
        var keptBefore = await pruning.PruneOnceAsync();
        _cluster.Clock.Advance(options.RequestIdRetention + TimeSpan.FromMinutes(1));
        var deleted = await pruning.PruneOnceAsync();

        Assert.Equal(0, keptBefore);
        Assert.True(deleted >= 1, $"{deleted} answers deleted");
        Assert.Equal(0, await _cluster.CountAsync("SELECT count(*) FROM public.answered_requests WHERE grain_key = 'old-acc'"));
        using (CallContext.Enter(Billing.Ops.SubjectId, "member-1"))
        {
            // Past the retention the request id is not known any more: the retry is a new change.
            Assert.True((await account.ChangeAsync(Billing.Ops, new SetAutopay(true))).Account.AutopayEnabled);
        }
    }

    [Fact]
    public async Task ACC_6_an_account_and_a_subscription_that_issued_and_were_paid_100_invoices_keep_the_size_they_had_after_5()
    {
        // The holder pays each invoice: autopay would charge it as soon as it is issued (INV-6).
        await Grains.OpenAccountAsync("billed-acc", autopay: false);

        var number = (await Grains.BuyAsync("billed-acc", "sub-1")).IssuedInvoiceNumber!;
        var subscription = Grains.GetGrain<ISubscriptionGrain>(SubscriptionKey.Of("billed-acc", "sub-1"));
        var holder = Actor.Customer("holder-billed-acc");
        (long Account, long Subscription) afterFive = default;
        for (var change = 0; change <= 100; change++)
        {
            if (change > 0)
            {
                using (CallContext.Enter(Billing.Ops.SubjectId, $"seats-{change}"))
                {
                    number = (await subscription.AddSeatsAsync(Billing.Ops, new AddSeats(1))).IssuedInvoiceNumber!;
                }
            }

            using (CallContext.Enter(holder.SubjectId, $"pay-{change}"))
            {
                await Grains.GetGrain<IInvoiceGrain>(InvoiceKey.Of("billed-acc", number)).PayAsync(holder, new PayInvoice(null, null, null));
            }

            if (change == 5)
            {
                afterFive = (await RecordSizeAsync("billed-acc"), await RecordSizeAsync("billed-acc/sub-1", "subscription"));
            }
        }

        var account = await Grains.GetGrain<IAccountGrain>("billed-acc").GetAsync(Billing.Ops);
        var afterHundred = (await RecordSizeAsync("billed-acc"), await RecordSizeAsync("billed-acc/sub-1", "subscription"));

        // The paid invoices left the ledger; the subscription keeps its newest invoice numbers only.
        Assert.Equal((101, 0, 0m), (account.InvoiceCount, account.Invoices.Count, account.Balances.Balance.Amount));
        Assert.InRange(afterHundred.Item1 - afterFive.Account, -1024, 1024);
        Assert.InRange(afterHundred.Item2 - afterFive.Subscription, -1024, 1024);
        Assert.Equal(SubscriptionGrainState.MaxInvoiceNumbers, (await subscription.GetAsync(Billing.Ops)).InvoiceNumbers.Count);
    }

    [Fact]
    public async Task ACC_8_an_account_starts_at_most_200_subscriptions_and_a_purchase_or_trial_past_them_is_refused_storing_nothing()
    {
        await Grains.OpenAccountAsync("many-acc");
        for (var n = 1; n <= AccountState.MaxSubscriptions; n++)
        {
            using (CallContext.Enter(Billing.Ops.SubjectId, $"trial-{n}"))
            {
                await Grains.GetGrain<ISubscriptionGrain>(SubscriptionKey.Of("many-acc", $"sub-{n}"))
                    .StartTrialAsync(Billing.Ops, new StartTrial($"sub-{n}", "many-acc", "central", "basic", 1, BillingFrequency.Monthly), null);
            }
        }

        var full = await RecordSizeAsync("many-acc");
        var bought = await Assert.ThrowsAsync<RuleViolationException>(() => Grains.BuyAsync("many-acc", "sub-extra"));
        RuleViolationException tried;
        using (CallContext.Enter(Billing.Ops.SubjectId, "trial-extra"))
        {
            tried = await Assert.ThrowsAsync<RuleViolationException>(() => Grains.GetGrain<ISubscriptionGrain>(SubscriptionKey.Of("many-acc", "sub-extra-trial"))
                .StartTrialAsync(Billing.Ops, new StartTrial("sub-extra-trial", "many-acc", "central", "basic", 1, BillingFrequency.Monthly), null));
        }

        var account = await Grains.GetGrain<IAccountGrain>("many-acc").GetAsync(Billing.Ops);
        Assert.Equal((Rules.Acc8, Rules.Acc8), (bought.RuleId, tried.RuleId));
        Assert.Contains("200 subscriptions", bought.Message, StringComparison.Ordinal);
        Assert.Equal((AccountState.MaxSubscriptions, 0), (account.SubscriptionIds.Count, account.InvoiceCount));
        Assert.Equal(0L, await _cluster.CountAsync(
            "SELECT count(*) FROM public.grain_records WHERE grain_type = 'subscription' AND grain_key LIKE 'many-acc/sub-extra%'"));
        Assert.Equal(full, await RecordSizeAsync("many-acc"));
        Assert.True(full < 16 * 1024, $"the account's record with {AccountState.MaxSubscriptions} subscriptions is {full} bytes");
    }

    private Task<long> RecordSizeAsync(string key, string type = "account") =>
        _cluster.CountAsync(
            "SELECT octet_length(payload) FROM public.grain_records WHERE grain_type = $1 AND grain_key = $2", type, key);
}

using Microsoft.Extensions.Logging.Abstractions;
using Orleans;
using Subscriptions.Domain.Accounts;
using Subscriptions.Grains.Accounts;
using Subscriptions.Grains.Infrastructure;
using Subscriptions.Silo;
using Subscriptions.TestHost;

namespace Subscriptions.Grains.Tests;

/// <summary>
/// A grain's stored record does not grow with the requests it answered (IDEM-1): answers live in the
/// answered_requests table, written in the same statement as the record, and are deleted after the retention.
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

    private Task<long> RecordSizeAsync(string accountId) =>
        _cluster.CountAsync(
            "SELECT octet_length(payload) FROM public.grain_records WHERE grain_type = 'account' AND grain_key = $1", accountId);
}

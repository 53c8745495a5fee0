using Subscriptions.TestHost;

namespace Subscriptions.Runtime.Tests;

public sealed class TurnTransactionTests : IAsyncLifetime
{
    private TestCluster cluster = null!;

    public async Task InitializeAsync() => cluster = await Clusters.StartAsync(nameof(TurnTransactionTests));

    public async Task DisposeAsync() => await cluster.DisposeAsync();

    [Fact]
    public async Task when_a_turn_throws_then_no_state_history_outbox_or_reminder_row_remains()
    {
        var grain = cluster.Grains.GetGrain<ICounterGrain>("doomed");
        await grain.IncrementAsync(3);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(grain.FailAfterChangingEverythingAsync);

        Assert.Contains("\"doomed\"", error.Message, StringComparison.Ordinal);
        Assert.Equal(3, await grain.GetAsync());
        var db = cluster.Database;
        Assert.Equal(1L, await db.ScalarAsync<long>("SELECT version FROM grain_state WHERE grain_key = 'doomed'"));
        Assert.Equal(1L, await db.ScalarAsync<long>("SELECT count(*) FROM grain_history WHERE grain_key = 'doomed'"));
        Assert.Equal(0L, await db.ScalarAsync<long>("SELECT count(*) FROM outbox WHERE grain_key = 'doomed'"));
        Assert.Equal(0L, await db.ScalarAsync<long>("SELECT count(*) FROM reminders WHERE grain_key = 'doomed'"));
    }

    [Fact]
    public async Task when_a_turn_changes_nothing_then_nothing_is_written()
    {
        var grain = cluster.Grains.GetGrain<ICounterGrain>("reader");
        await grain.IncrementAsync(1);

        await grain.GetAsync();
        await grain.GetAsync();

        Assert.Equal(1L, await cluster.Database.ScalarAsync<long>("SELECT version FROM grain_state WHERE grain_key = 'reader'"));
    }

    [Fact]
    public async Task when_a_turn_commits_then_its_history_carries_the_cause_and_the_caller()
    {
        var grain = cluster.Grains.GetGrain<ICounterGrain>("caused");
        using (RequestContext.Push(new RequestContext("ops:jane", "req-1")))
        {
            await grain.IncrementAsync(2);
        }

        var entry = Assert.Single(await cluster.Silos[0].Storage.ReadHistoryAsync(new GrainId("counter", "caused"), default));
        Assert.Equal(new TurnCause("call", "IncrementAsync", "ops:jane", "req-1"), entry.Cause);
        Assert.Equal(("incremented", "0", "2"), (entry.Change, entry.From, entry.To));
        Assert.Equal(cluster.Clock.GetUtcNow(), entry.At);
    }

    [Fact]
    public async Task when_the_same_request_id_is_retried_then_the_first_result_is_returned_and_nothing_changes_twice()
    {
        var grain = cluster.Grains.GetGrain<ICounterGrain>("idempotent");
        int first, retry;
        using (RequestContext.Push(new RequestContext("alice", "r-1")))
        {
            first = await grain.IncrementAsync(5);
            retry = await grain.IncrementAsync(5);
        }

        Assert.Equal(5, first);
        Assert.Equal(5, retry);
        Assert.Equal(5, await grain.GetAsync());

        await cluster.RestartAsync();
        using (RequestContext.Push(new RequestContext("alice", "r-1")))
        {
            Assert.Equal(5, await cluster.Grains.GetGrain<ICounterGrain>("idempotent").IncrementAsync(5));
        }

        using (RequestContext.Push(new RequestContext("bob", "r-1")))
        {
            Assert.Equal(10, await cluster.Grains.GetGrain<ICounterGrain>("idempotent").IncrementAsync(5));
        }
    }

    [Fact]
    public async Task when_a_request_id_is_reused_for_another_method_then_the_call_is_refused()
    {
        var grain = cluster.Grains.GetGrain<ICounterGrain>("reused");
        RequestIdReusedException error;
        using (RequestContext.Push(new RequestContext("alice", "r-9")))
        {
            await grain.IncrementAsync(1);
            error = await Assert.ThrowsAsync<RequestIdReusedException>(() => grain.AppendAsync(4));
        }

        Assert.Equal("request_id", error.ParamName);
        Assert.Empty(await grain.GetValuesAsync());
    }

    [Fact]
    public async Task when_a_grain_calls_another_grain_twice_under_one_request_id_then_both_calls_apply()
    {
        using var context = RequestContext.Push(new RequestContext("alice", "nested-1"));

        Assert.Equal(6, await cluster.Grains.GetGrain<ICounterGrain>("caller").IncrementOtherTwiceAsync("callee", 3, failAfterwards: false));

        Assert.Equal(6, await cluster.Grains.GetGrain<ICounterGrain>("caller").IncrementOtherTwiceAsync("callee", 3, failAfterwards: false));
        var history = await cluster.Silos[0].Storage.ReadHistoryAsync(new GrainId("counter", "callee"), default);
        Assert.Equal(["nested-1>counter/caller#1", "nested-1>counter/caller#2"], history.Select(h => h.Cause.RequestId));
        Assert.All(history, h => Assert.Equal("alice", h.Cause.Caller));
    }

    [Fact]
    public async Task when_a_request_fails_after_nested_calls_committed_then_its_retry_does_not_apply_them_twice()
    {
        var caller = cluster.Grains.GetGrain<ICounterGrain>("retrying");
        using (RequestContext.Push(new RequestContext("alice", "nested-2")))
        {
            await Assert.ThrowsAsync<InvalidOperationException>(() => caller.IncrementOtherTwiceAsync("side-effect", 5, failAfterwards: true));
            Assert.Equal(10, await caller.IncrementOtherTwiceAsync("side-effect", 5, failAfterwards: false));
        }

        Assert.Equal(10, await cluster.Grains.GetGrain<ICounterGrain>("side-effect").GetAsync());
        Assert.Equal(1, await caller.GetAsync());
    }

    [Fact]
    public async Task when_answered_request_ids_pass_their_retention_then_they_are_purged()
    {
        using (RequestContext.Push(new RequestContext("alice", "old")))
        {
            await cluster.Grains.GetGrain<ICounterGrain>("retained").IncrementAsync(1);
        }

        var storage = cluster.Silos[0].Storage;
        Assert.Equal(0, await storage.PurgeAnsweredRequestsAsync(cluster.Clock.GetUtcNow() - TimeSpan.FromDays(7), default));
        cluster.Clock.Advance(TimeSpan.FromDays(8));

        Assert.Equal(1, await storage.PurgeAnsweredRequestsAsync(cluster.Clock.GetUtcNow() - TimeSpan.FromDays(7), default));
        Assert.Equal(0L, await cluster.Database.ScalarAsync<long>("SELECT count(*) FROM grain_requests"));
    }
}

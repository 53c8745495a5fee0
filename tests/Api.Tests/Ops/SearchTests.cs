using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Subscriptions.Api.Tests.Invoices;
using Subscriptions.Api.Tests.SubscriptionLifecycle;
using Subscriptions.Grains.Ops;
using Subscriptions.Storage.Grains;
using Proto = Subscriptions.Grpc.Api.V1;

namespace Subscriptions.Api.Tests.Ops;

/// <summary>
/// Ops search over the ops projection (OPS-1, docs/ops.md), checked against what a scenario did: 100 sandbox accounts on
/// one test clock, driven into trial, active, limited, suspended, pending-cancellation and cancelled subscriptions and
/// open, overdue, paid and disputed invoices. Every search answer equals what the grains themselves say, page after page;
/// and the projection rebuilt from the stored records equals the one the write path kept.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class SearchTests(ApiServer server) : IAsyncLifetime
{
    private const int Accounts = 100;
    private static readonly DateTimeOffset Start = SubscriptionKit.Start;
    private static readonly SemaphoreSlim ScenarioGate = new(1, 1);
    private static SearchTests? _played;
    private readonly List<SubscriptionKit> _kits = [];
    private readonly Dictionary<string, Proto.Subscription> _subscriptions = [];
    private readonly Dictionary<string, Proto.Invoice> _invoices = [];
    private HashSet<string> _accounts = [];

    /// <summary>The scenario, played once for every test of this class (xUnit makes an instance per test).</summary>
    public async Task InitializeAsync()
    {
        await ScenarioGate.WaitAsync();
        try
        {
            if (_played is null)
            {
                await PlayAsync();
                _played = this;
            }
        }
        finally
        {
            ScenarioGate.Release();
        }

        if (ReferenceEquals(_played, this))
        {
            return;
        }

        _kits.AddRange(_played._kits);
        _accounts = _played._accounts;
        foreach (var (key, value) in _played._subscriptions)
        {
            _subscriptions[key] = value;
        }

        foreach (var (key, value) in _played._invoices)
        {
            _invoices[key] = value;
        }
    }

    private async Task PlayAsync()
    {
        var clockId = $"search-{Guid.NewGuid():N}"[..24];
        await server.Client.ClockAsync<Proto.CreateTestClockRequest, Proto.TestClock>(
            "CreateTestClock", new Proto.CreateTestClockRequest { RequestId = Requests.NewRequestId(), ClockId = clockId, StartTime = Timestamp.FromDateTimeOffset(Start) }, server.Tokens.Ops());
        for (var i = 0; i < Accounts; i++)
        {
            _kits.Add(await SubscriptionKit.OpenOnClockAsync(server, Requests.NewAccountId("srch"), clockId));
        }

        _accounts = [.. _kits.Select(k => k.AccountId)];
        var clock = _kits[0];
        IEnumerable<SubscriptionKit> Group(int remainder) => _kits.Where((_, i) => i % 10 == remainder);

        // Day 0: buyers that will be suspended (no autopay), and buyers that will have cancelled by day 33.
        foreach (var kit in Group(3).Concat(Group(8)))
        {
            await kit.SetAutopayAsync(false);
            await kit.BuyAsync("meeting-1", "meeting", "professional");
        }

        foreach (var kit in Group(4))
        {
            await kit.BuyAsync("meeting-1", "meeting", "professional");
        }

        // Day 10: active buyers (autopay), buyers that will be limited or dispute (no autopay), and future cancellers.
        await clock.AdvanceToAsync(Start.AddDays(10));
        foreach (var kit in Group(4))
        {
            await kit.ActAsync("CancelSubscription", "meeting-1", kit.Holder);
        }

        foreach (var kit in Group(1).Concat(Group(6)).Concat(Group(9)))
        {
            await kit.BuyAsync("meeting-1", "meeting", "professional");
        }

        foreach (var kit in Group(2).Concat(Group(7)))
        {
            await kit.SetAutopayAsync(false);
            await kit.BuyAsync("meeting-1", "meeting", "professional");
        }

        // Day 12: autopay has paid; these cancel at the end of their period (pending-cancellation on day 33).
        await clock.AdvanceToAsync(Start.AddDays(12));
        foreach (var kit in Group(9))
        {
            await kit.ActAsync("CancelSubscription", "meeting-1", kit.Holder);
        }

        // Day 20: disputes, within 15 days of issue (INV-7).
        await clock.AdvanceToAsync(Start.AddDays(20));
        foreach (var kit in Group(7))
        {
            await kit.DisputeAsync((await kit.InvoicesAsync()).Single().Number);
        }

        // Day 25: the day-10 invoices of group 2 fall overdue (limited); trials start.
        await clock.AdvanceToAsync(Start.AddDays(25));
        foreach (var kit in Group(0).Concat(Group(5)))
        {
            await kit.CallAsync("StartTrial", kit.Trial("central-1", "central", "basic"), kit.Holder);
        }

        // Day 33: groups 3 and 8 are suspended (overdue since day 15, 15 days of grace), group 4 cancelled (day 31).
        await clock.AdvanceToAsync(Start.AddDays(33));

        // What the grains say, read through the API, is what every search must answer.
        foreach (var kit in _kits)
        {
            foreach (var subscription in await kit.ListAsync())
            {
                _subscriptions[$"{kit.AccountId}/{subscription.SubscriptionId}"] = subscription;
            }

            foreach (var invoice in await kit.InvoicesAsync())
            {
                _invoices[$"{kit.AccountId}/{invoice.Number}"] = invoice;
            }
        }
    }

    /// <inheritdoc />
    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task OPS_1_the_scenario_reached_every_state_the_searches_are_checked_on()
    {
        var subscriptionStates = _subscriptions.Values.GroupBy(s => s.Status).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(20, subscriptionStates[Proto.SubscriptionStatus.Trial]);
        Assert.Equal(10, subscriptionStates[Proto.SubscriptionStatus.Limited]);
        Assert.Equal(20, subscriptionStates[Proto.SubscriptionStatus.Suspended]);
        Assert.Equal(10, subscriptionStates[Proto.SubscriptionStatus.Cancelled]);
        Assert.Equal(10, subscriptionStates[Proto.SubscriptionStatus.PendingCancellation]);
        Assert.Equal(30, subscriptionStates[Proto.SubscriptionStatus.Active]);
        var invoiceStates = _invoices.Values.GroupBy(i => i.Status).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(
            [Proto.InvoiceStatus.Open, Proto.InvoiceStatus.Paid, Proto.InvoiceStatus.Overdue, Proto.InvoiceStatus.Disputed],
            invoiceStates.Keys.Order());
        Assert.Equal(10, invoiceStates[Proto.InvoiceStatus.Disputed]);
    }

    [Theory]
    [InlineData("trial", Proto.SubscriptionStatus.Trial)]
    [InlineData("active", Proto.SubscriptionStatus.Active)]
    [InlineData("limited", Proto.SubscriptionStatus.Limited)]
    [InlineData("suspended", Proto.SubscriptionStatus.Suspended)]
    [InlineData("pending-cancellation", Proto.SubscriptionStatus.PendingCancellation)]
    [InlineData("cancelled", Proto.SubscriptionStatus.Cancelled)]
    public async Task OPS_1_subscriptions_found_by_state_are_exactly_those_in_it_page_after_page(string state, Proto.SubscriptionStatus status)
    {
        var found = await SubscriptionsAsync(new Proto.SearchSubscriptionsRequest { States = { state }, PageSize = 7 });

        Assert.Equal(Expected(s => s.Status == status), found.Select(Key));
        Assert.All(found, s => Assert.Equal(state, s.State));
    }

    [Fact]
    public async Task OPS_1_subscriptions_are_found_by_account_product_renewal_window_and_grace_window()
    {
        var account = _kits[21].AccountId;
        var ofAccount = await SubscriptionsAsync(new Proto.SearchSubscriptionsRequest { AccountId = account });
        Assert.Equal(Expected(s => s.AccountId == account), ofAccount.Select(Key));
        var row = Assert.Single(ofAccount);
        var truth = _subscriptions[Key(row)];
        Assert.Equal((truth.ProductId, truth.PlanId, truth.Seats, truth.CurrentPeriodEnd), (row.ProductId, row.PlanId, row.Seats, row.CurrentPeriodEnd));

        var central = await SubscriptionsAsync(new Proto.SearchSubscriptionsRequest { ProductId = "central" });
        Assert.Equal(Expected(s => s.ProductId == "central"), central.Select(Key));

        var from = Start.AddDays(40);
        var before = Start.AddDays(42);
        var renewing = await SubscriptionsAsync(new Proto.SearchSubscriptionsRequest
        {
            States = { "active" }, Renews = new Proto.TimeWindow { From = Timestamp.FromDateTimeOffset(from), Before = Timestamp.FromDateTimeOffset(before) },
        });
        var expectedRenewing = Expected(s => s.Status == Proto.SubscriptionStatus.Active && s.CurrentPeriodEnd.ToDateTimeOffset() >= from && s.CurrentPeriodEnd.ToDateTimeOffset() < before);
        Assert.NotEmpty(expectedRenewing);
        Assert.Equal(expectedRenewing, renewing.Select(Key));

        var graceEnding = await SubscriptionsAsync(new Proto.SearchSubscriptionsRequest
        {
            GraceEnds = new Proto.TimeWindow { Before = Timestamp.FromDateTimeOffset(Start.AddDays(45)) },
        });
        var expectedGrace = Expected(s => s.GracePeriodEndsAt is { } end && end.ToDateTimeOffset() < Start.AddDays(45));
        Assert.Equal(10, expectedGrace.Count);
        Assert.Equal(expectedGrace, graceEnding.Select(Key));
    }

    [Fact]
    public async Task OPS_1_invoices_are_found_by_status_overdue_age_minimum_balance_and_account()
    {
        foreach (var (name, status) in new[] { ("open", Proto.InvoiceStatus.Open), ("paid", Proto.InvoiceStatus.Paid), ("overdue", Proto.InvoiceStatus.Overdue), ("disputed", Proto.InvoiceStatus.Disputed) })
        {
            var found = await InvoicesAsync(new Proto.SearchInvoicesRequest { Statuses = { name }, PageSize = 9 });
            Assert.Equal(ExpectedInvoices(i => i.Status == status), found.Select(Key));
        }

        // "Overdue by more than 10 days" on day 33: due before day 23.
        var now = Start.AddDays(33);
        var late = await InvoicesAsync(new Proto.SearchInvoicesRequest
        {
            Statuses = { "overdue" }, Due = new Proto.TimeWindow { Before = Timestamp.FromDateTimeOffset(now.AddDays(-10)) },
        });
        var expectedLate = ExpectedInvoices(i => i.Status == Proto.InvoiceStatus.Overdue && i.DueAt.ToDateTimeOffset() < now.AddDays(-10));
        Assert.Equal(20, expectedLate.Count);
        Assert.Equal(expectedLate, late.Select(Key));
        Assert.All(late, i => Assert.Equal(_invoices[Key(i)].Balance, i.Balance));

        var large = await InvoicesAsync(new Proto.SearchInvoicesRequest { MinBalance = "12.01", CurrencyCode = "usd" });
        Assert.Equal(ExpectedInvoices(i => decimal.Parse(i.Balance.Amount, System.Globalization.CultureInfo.InvariantCulture) >= 12.01m), large.Select(Key));
        var some = await InvoicesAsync(new Proto.SearchInvoicesRequest { MinBalance = "0.01" });
        Assert.Equal(ExpectedInvoices(i => i.Balance.Amount != "0.00"), some.Select(Key));

        var account = _kits[3].AccountId;
        Assert.Equal(ExpectedInvoices(i => i.AccountId == account), (await InvoicesAsync(new Proto.SearchInvoicesRequest { AccountId = account })).Select(Key));
    }

    [Fact]
    public async Task OPS_1_wake_ups_are_listed_by_grain_and_by_due_window_with_their_name()
    {
        // Bought on day 10 with autopay: waits for its renewal, and no wake-up of its own has changed it yet.
        var kit = _kits[11];
        var inspected = Assert.Single((await kit.InspectAsync("meeting-1")).Reminders);
        var wake = Assert.Single(await WakeUpsAsync("subscription", $"{kit.AccountId}/meeting-1"));
        Assert.Equal(("renewal", inspected.DueAt, _subscriptions[$"{kit.AccountId}/meeting-1"].CurrentPeriodEnd), (wake.Name, wake.DueAt, wake.DueAt));
        Assert.Equal((kit.ClockId, kit.AccountId), (wake.ClockId, wake.AccountId));
        Assert.Null(wake.Period);
        Assert.Null(wake.Lag);
        Assert.Null(wake.LastWokenAt);

        // Suspended (group 3) by its grace period's wake-up on day 30: it wants none now, as the grain says, and its row
        // keeps when a wake-up last changed it.
        var suspended = _kits[13];
        Assert.Empty((await suspended.InspectAsync("meeting-1")).Reminders);
        Assert.Empty(await WakeUpsAsync("subscription", $"{suspended.AccountId}/meeting-1"));
        var projected = await new OpsProjectionTable(server.Cluster.DataSource, TimeSpan.FromMinutes(1)).SearchAsync(
            new ProjectionQuery { GrainType = "subscription", GrainKey = $"{suspended.AccountId}/meeting-1" }, CancellationToken.None);
        var row = Assert.Single(projected.Rows);
        Assert.True(row.LastWokenAt >= Start.AddDays(30), $"last woken at {row.LastWokenAt}");

        // Every wake-up due in a window, in due order, across pages and grain types.
        var from = Start.AddDays(39);
        var before = Start.AddDays(42);
        var window = new Proto.TimeWindow { From = Timestamp.FromDateTimeOffset(from), Before = Timestamp.FromDateTimeOffset(before) };
        var due = new List<Proto.WakeUpSummary>();
        var token = "";
        do
        {
            var page = await server.Client.OpsAsync<Proto.ListWakeUpsRequest, Proto.ListWakeUpsResponse>(
                "ListWakeUps", new Proto.ListWakeUpsRequest { Due = window, PageSize = 50, PageToken = token }, server.Tokens.Ops());
            due.AddRange(page.WakeUps);
            token = page.NextPageToken;
        }
        while (token.Length > 0);

        Assert.Equal(due.OrderBy(w => w.DueAt.ToDateTimeOffset()).ThenBy(w => w.GrainType, StringComparer.Ordinal).ThenBy(w => w.GrainKey, StringComparer.Ordinal), due);
        Assert.All(due, w => Assert.InRange(w.DueAt.ToDateTimeOffset(), from, before.AddTicks(-1)));
        Assert.Contains(due, w => w.GrainKey == $"{kit.AccountId}/meeting-1" && w.Name == "renewal");
        Assert.Equal(due.Count, due.Select(w => (w.GrainType, w.GrainKey)).Distinct().Count());

        // By account and test clock; the real clock only leaves every sandbox grain out.
        var ofAccount = (await server.Client.OpsAsync<Proto.ListWakeUpsRequest, Proto.ListWakeUpsResponse>(
            "ListWakeUps", new Proto.ListWakeUpsRequest { AccountId = kit.AccountId, ClockId = kit.ClockId, PageSize = 100 }, server.Tokens.Ops())).WakeUps;
        Assert.Contains(ofAccount, w => w.GrainKey == $"{kit.AccountId}/meeting-1");
        Assert.All(ofAccount, w => Assert.Equal((kit.AccountId, kit.ClockId), (w.AccountId, w.ClockId)));
        var real = (await server.Client.OpsAsync<Proto.ListWakeUpsRequest, Proto.ListWakeUpsResponse>(
            "ListWakeUps", new Proto.ListWakeUpsRequest { AccountId = kit.AccountId, RealClockOnly = true }, server.Tokens.Ops())).WakeUps;
        Assert.Empty(real);
    }

    [Fact]
    public async Task OPS_1_a_projection_rebuilt_from_the_stored_grains_equals_the_one_the_write_path_kept()
    {
        var table = new OpsProjectionTable(server.Cluster.DataSource, TimeSpan.FromMinutes(1));
        var kept = Ours(await table.ReadAllAsync(CancellationToken.None));
        Assert.Equal(100 + _subscriptions.Count + _invoices.Count, kept.Count);

        // The scenario's rows go, then everything is rebuilt from the records (the other tests' rows are rewritten in place).
        await using (var delete = server.Cluster.DataSource.CreateCommand("DELETE FROM public.ops_projection WHERE account_id = ANY($1)"))
        {
            delete.Parameters.Add(new() { Value = _accounts.ToArray() });
            await delete.ExecuteNonQueryAsync();
        }

        var progress = new List<RebuildProgress>();
        await table.RebuildAsync(GrainRecordSerializer.Create(), new SyncProgress(progress), batchSize: 64, CancellationToken.None);
        var rebuilt = Ours(await table.ReadAllAsync(CancellationToken.None));

        Assert.Equal(kept.Select(Comparable), rebuilt.Select(Comparable));
        Assert.Equal(ProjectedGrainTypes.All, progress.Select(p => p.GrainType).Distinct());
        Assert.All(progress.GroupBy(p => p.GrainType), g => Assert.Equal(g.Last().Total, g.Last().Done));
    }

    [Fact]
    public async Task OPS_1_a_page_token_that_was_not_given_is_refused_naming_the_field()
    {
        var refused = await Api.FailsWithAsync(StatusCode.InvalidArgument, () => server.Client.OpsAsync<Proto.SearchSubscriptionsRequest, Proto.SearchSubscriptionsResponse>(
            "SearchSubscriptions", new Proto.SearchSubscriptionsRequest { PageToken = "bm90LWEtdG9rZW4" }, server.Tokens.Ops()));
        Assert.Contains("page_token", refused.Status.Detail, StringComparison.Ordinal);

        var badState = await Api.FailsWithAsync(StatusCode.InvalidArgument, () => server.Client.OpsAsync<Proto.SearchInvoicesRequest, Proto.SearchInvoicesResponse>(
            "SearchInvoices", new Proto.SearchInvoicesRequest { Statuses = { "late" } }, server.Tokens.Ops()));
        Assert.Contains("statuses", badState.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("overdue", badState.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ACC_7_every_ops_call_is_audited_as_an_ops_read_with_its_caller_account_and_status()
    {
        var account = _kits[42].AccountId;
        await server.Client.OpsAsync<Proto.SearchInvoicesRequest, Proto.SearchInvoicesResponse>(
            "SearchInvoices", new Proto.SearchInvoicesRequest { AccountId = account }, server.Tokens.Ops());
        await Api.FailsWithAsync(StatusCode.NotFound, () => server.Client.InspectAsync("subscription", $"{account}/none", server.Tokens.Ops()));

        var reads = (await server.Client.OpsAsync<Proto.ListOpsReadsRequest, Proto.ListOpsReadsResponse>(
            "ListOpsReads", new Proto.ListOpsReadsRequest { AccountId = account }, server.Tokens.Ops())).Reads;

        Assert.Equal(
            [("/subscriptions.v1.OpsService/InspectGrain", "NotFound"), ("/subscriptions.v1.OpsService/SearchInvoices", "OK")],
            reads.Select(r => (r.Method, r.Status)));
        Assert.All(reads, r => Assert.Equal((TestTokens.OpsSubject, account), (r.Caller, r.AccountId)));
        Assert.Contains(account, reads[1].RequestJson, StringComparison.Ordinal);
    }

    private async Task<IReadOnlyList<Proto.WakeUpSummary>> WakeUpsAsync(string grainType, string grainKey) =>
        (await server.Client.OpsAsync<Proto.ListWakeUpsRequest, Proto.ListWakeUpsResponse>(
            "ListWakeUps", new Proto.ListWakeUpsRequest { GrainType = grainType, GrainKey = grainKey }, server.Tokens.Ops())).WakeUps;

    private async Task<List<Proto.SubscriptionSummary>> SubscriptionsAsync(Proto.SearchSubscriptionsRequest request)
    {
        var found = new List<Proto.SubscriptionSummary>();
        do
        {
            var page = await server.Client.OpsAsync<Proto.SearchSubscriptionsRequest, Proto.SearchSubscriptionsResponse>("SearchSubscriptions", request, server.Tokens.Ops());
            found.AddRange(page.Subscriptions);
            request.PageToken = page.NextPageToken;
        }
        while (request.PageToken.Length > 0);

        // Key order, no row twice; only this scenario's accounts are compared (the database is shared with other tests).
        Assert.Equal(found.Select(Key).Order(StringComparer.Ordinal), found.Select(Key));
        Assert.Equal(found.Count, found.Select(Key).Distinct().Count());
        return [.. found.Where(s => _accounts.Contains(s.AccountId))];
    }

    private async Task<List<Proto.InvoiceSummary>> InvoicesAsync(Proto.SearchInvoicesRequest request)
    {
        var found = new List<Proto.InvoiceSummary>();
        do
        {
            var page = await server.Client.OpsAsync<Proto.SearchInvoicesRequest, Proto.SearchInvoicesResponse>("SearchInvoices", request, server.Tokens.Ops());
            found.AddRange(page.Invoices);
            request.PageToken = page.NextPageToken;
        }
        while (request.PageToken.Length > 0);

        Assert.Equal(found.Select(Key).Order(StringComparer.Ordinal), found.Select(Key));
        return [.. found.Where(i => _accounts.Contains(i.AccountId))];
    }

    private List<string> Expected(Func<Proto.Subscription, bool> matches) =>
        [.. _subscriptions.Where(s => matches(s.Value)).Select(s => s.Key).Order(StringComparer.Ordinal)];

    private List<string> ExpectedInvoices(Func<Proto.Invoice, bool> matches) =>
        [.. _invoices.Where(i => matches(i.Value)).Select(i => i.Key).Order(StringComparer.Ordinal)];

    private List<ProjectedGrain> Ours(IReadOnlyList<ProjectedGrain> rows) => [.. rows.Where(r => _accounts.Contains(r.Fields.AccountId))];

    // A write that leaves a grain's row as it was does not rewrite it: rows compare by content, not by the record version they were last written at.
    private static object Comparable(ProjectedGrain row) => row with { Version = 0, UpdatedAt = default };

    private static string Key(Proto.SubscriptionSummary s) => $"{s.AccountId}/{s.SubscriptionId}";

    private static string Key(Proto.InvoiceSummary i) => $"{i.AccountId}/{i.Number}";

    private sealed class SyncProgress(List<RebuildProgress> reports) : IProgress<RebuildProgress>
    {
        public void Report(RebuildProgress value) => reports.Add(value);
    }
}

using System.Text.Json;
using Grpc.Core;
using Subscriptions.Domain;
using Subscriptions.Domain.Invoices;
using Subscriptions.Domain.Subscriptions;
using Proto = Subscriptions.Grpc.Api.V1;

namespace Subscriptions.Api.Tests;

/// <summary>Inspecting grains as billing ops (OPS-1) and the audit trail it shows (ACC-7).</summary>
[Collection(ApiCollection.Name)]
public sealed class OpsTests(ApiServer server)
{
    [Fact]
    public async Task OPS_1_inspect_shows_state_version_and_ordered_history_with_causes()
    {
        var id = Requests.NewAccountId();
        var holder = server.Tokens.PrimaryHolder(id);
        var create = Requests.CreateAccount(id);
        await server.Client.AccountAsync("CreateAccount", create, holder);
        var card = Requests.AddCard(id, 1);
        await server.Client.AccountAsync("AddCard", card, holder);

        var inspection = await server.Client.InspectAsync("account", id, server.Tokens.Ops());

        Assert.Equal(2, inspection.Version);
        using var state = JsonDocument.Parse(inspection.StateJson);
        Assert.Equal("Acme Widgets", state.RootElement.GetProperty("account").GetProperty("companyName").GetString());
        Assert.Equal(
            [("account", "CreateAsync", create.RequestId), ("payment_method", "AddCard", card.RequestId), ("default_payment_method", "AddCard", card.RequestId)],
            inspection.History.Select(h => (h.Change, h.Cause.Name, h.Cause.RequestId)));
        Assert.All(inspection.History, h => Assert.Equal(("call", TestTokens.HolderOf(id)), (h.Cause.Kind, h.Cause.Caller)));
        Assert.Equal("Visa ending 4241 (expires 12/2030)", inspection.History[1].To);
    }

    [Fact]
    public async Task ACC_7_every_billing_change_is_recorded_with_who_and_before_and_after()
    {
        var id = Requests.NewAccountId();
        var holder = server.Tokens.PrimaryHolder(id);
        await server.Client.AccountAsync("CreateAccount", Requests.CreateAccount(id), holder);

        await server.Client.AccountAsync("ChangeBillingAddress", new Proto.ChangeBillingAddressRequest
        {
            RequestId = Requests.NewRequestId(),
            AccountId = id,
            BillingAddress = new Proto.PostalAddress { Line1 = "2 Oak Ave", City = "Chicago", Region = "IL", PostalCode = "60601", Country = "US" },
        }, holder);

        var change = (await server.Client.InspectAsync("account", id, server.Tokens.Ops())).History.Last();
        Assert.Equal(("billing_address", "1 Main St, Springfield, IL 62701, US", "2 Oak Ave, Chicago, IL 60601, US"), (change.Change, change.From, change.To));
        using var audit = JsonDocument.Parse(change.PayloadJson);
        Assert.Equal(TestTokens.HolderOf(id), audit.RootElement.GetProperty("actorSubjectId").GetString());
    }

    [Fact]
    public async Task ACC_2_only_billing_ops_may_inspect()
    {
        var id = Requests.NewAccountId();
        await server.Client.AccountAsync("CreateAccount", Requests.CreateAccount(id), server.Tokens.PrimaryHolder(id));

        var error = await Api.FailsWithAsync(StatusCode.PermissionDenied,
            () => server.Client.InspectAsync("account", id, server.Tokens.PrimaryHolder(id)));

        Assert.Equal(Rules.Acc2, error.RuleId());
    }

    [Fact]
    public async Task OPS_1_inspecting_a_grain_never_written_is_not_found_and_an_unknown_grain_type_is_refused_naming_the_known_ones()
    {
        await Api.FailsWithAsync(StatusCode.NotFound, () => server.Client.InspectAsync("account", Requests.NewAccountId(), server.Tokens.Ops()));
        var unknownType = await Api.FailsWithAsync(StatusCode.InvalidArgument, () => server.Client.InspectAsync("acount", "acme-1", server.Tokens.Ops()));
        Assert.Equal(["grain_type"], unknownType.BadFields());
        Assert.Contains("account, subscription, invoice, quote, order, testclock", unknownType.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OPS_1_ops_print_the_subscription_lifecycle_table_and_customers_may_not()
    {
        var id = Requests.NewAccountId();
        var request = new Proto.DescribeSubscriptionLifecycleRequest();

        var printed = await server.Client.OpsAsync<Proto.DescribeSubscriptionLifecycleRequest, Proto.SubscriptionLifecycleDescription>(
            "DescribeSubscriptionLifecycle", request, server.Tokens.Ops());
        var error = await Api.FailsWithAsync(StatusCode.PermissionDenied, () => server.Client.OpsAsync<Proto.DescribeSubscriptionLifecycleRequest, Proto.SubscriptionLifecycleDescription>(
            "DescribeSubscriptionLifecycle", request, server.Tokens.PrimaryHolder(id)));

        Assert.Equal(SubscriptionTransitions.Table.Describe(), printed.Text);
        Assert.Contains($"pending-cancellation  cancellation-withdrawn      active                {Rules.Sub6}", printed.Text, StringComparison.Ordinal);
        Assert.Equal(Rules.Acc2, error.RuleId());
    }

    [Fact]
    public async Task OPS_1_ops_describe_any_lifecycle_by_kind_as_text_as_rows_and_as_a_dot_graph_and_an_unknown_kind_is_refused_on_kind()
    {
        var invoice = await server.Client.OpsAsync<Proto.DescribeLifecycleRequest, Proto.LifecycleDescription>(
            "DescribeLifecycle", new Proto.DescribeLifecycleRequest { Kind = " Invoice " }, server.Tokens.Ops());
        var unknown = await Api.FailsWithAsync(StatusCode.InvalidArgument, () => server.Client.OpsAsync<Proto.DescribeLifecycleRequest, Proto.LifecycleDescription>(
            "DescribeLifecycle", new Proto.DescribeLifecycleRequest { Kind = "quote-draft" }, server.Tokens.Ops()));

        Assert.Equal(("invoice", InvoiceTransitions.Table.Describe()), (invoice.Kind, invoice.Text));
        Assert.StartsWith("digraph \"Invoice lifecycle\" {", invoice.Dot, StringComparison.Ordinal);
        Assert.Contains($"\"open\" -> \"paid\" [label=\"paid-in-full ({Rules.Inv3})\"];", invoice.Dot, StringComparison.Ordinal);
        Assert.Equal(InvoiceTransitions.Table.Allowed.Count, invoice.Dot.Split('\n').Count(l => l.Contains(" -> ", StringComparison.Ordinal)));
        Assert.Contains("kind", unknown.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("subscription, invoice", unknown.Status.Detail, StringComparison.Ordinal);
        // The same table as rows, for tools that render their own.
        Assert.Equal(InvoiceTransitions.Table.Allowed.Count, invoice.Transitions.Count);
        Assert.Contains(invoice.Transitions, t => (t.From, t.Event, t.To, t.Rule) == ("open", "paid-in-full", "paid", Rules.Inv3));
        Assert.Equal(InvoiceTransitions.Table.ExplainedRefusals.Count, invoice.Refusals.Count);
        Assert.All(invoice.Refusals, r => Assert.False(string.IsNullOrWhiteSpace(r.Reason)));
    }

    [Fact]
    public async Task ACC_5_a_tax_exemption_stays_pending_until_ops_decide_and_only_ops_may_decide()
    {
        var id = Requests.NewAccountId();
        var holder = server.Tokens.PrimaryHolder(id);
        await server.Client.AccountAsync("CreateAccount", Requests.CreateAccount(id), holder);
        var requested = await server.Client.AccountAsync("RequestTaxExemption",
            new Proto.RequestTaxExemptionRequest { RequestId = Requests.NewRequestId(), AccountId = id, CertificateReference = "IL-EX-2026-17" }, holder);
        var decide = new Proto.DecideTaxExemptionRequest { RequestId = Requests.NewRequestId(), AccountId = id, Approve = true, Note = "certificate checked" };

        await Api.FailsWithAsync(StatusCode.PermissionDenied, () => server.Client.AccountAsync("DecideTaxExemption", decide, holder));
        var approved = await server.Client.AccountAsync("DecideTaxExemption", decide, server.Tokens.Ops());

        Assert.Equal(Proto.TaxExemptionStatus.Pending, requested.TaxExemption.Status);
        Assert.Equal((Proto.TaxExemptionStatus.Approved, TestTokens.OpsSubject), (approved.TaxExemption.Status, approved.TaxExemption.DecidedBy));
    }
}

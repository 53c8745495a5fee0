using Grpc.Core;
using Subscriptions.Api.Tests.Invoices;
using Subscriptions.Api.Tests.SubscriptionLifecycle;
using Subscriptions.Domain;
using Subscriptions.Grains.Quotes;
using Subscriptions.TestHost;
using Proto = Subscriptions.Grpc.Api.V1;

namespace Subscriptions.Api.Tests.Quotes;

/// <summary>
/// Quotes over gRPC (SPEC §3): written, edited and sent by billing ops (QUO-1), expiring 7 days after sending on the
/// account's test clock (QUO-2), superseded by a newer seats order (QUO-3), ordered online only where QUO-4 allows,
/// rejected with a kept comment (QUO-6).
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class QuoteTests(ApiServer server)
{
    private static readonly DateTimeOffset Start = SubscriptionKit.Start;

    [Fact]
    public async Task QUO_1_billing_ops_draft_a_quote_priced_from_the_catalog_in_the_account_currency_with_the_invoice_tax_table()
    {
        var kit = await SubscriptionKit.OpenAsync(server);
        await kit.BuyAsync("meeting-1", "meeting", "professional", seats: 2);
        var seatPrice = SubscriptionKit.SeatPrice("meeting", "professional");

        await kit.Client.AccountAsync("ChangeBillingAddress", new Proto.ChangeBillingAddressRequest
        {
            RequestId = Requests.NewRequestId(),
            AccountId = kit.AccountId,
            BillingAddress = new Proto.PostalAddress { Line1 = "100 King St W", City = "Toronto", Region = "ON", PostalCode = "M5X 1A9", Country = "CA" },
        }, kit.Holder);

        var quote = await kit.CreateQuoteAsync(QuoteKit.AddSeats("meeting-1", "meeting", "professional", 3), QuoteKit.NewSubscription("webinar", "lite", 2));
        var subtotal = seatPrice * 3 + SubscriptionKit.SeatPrice("webinar", "lite") * 2;

        Assert.Equal((Proto.QuoteStatus.Draft, "USD", 2), (quote.Status, quote.Currency, quote.Lines.Count));
        Assert.Equal((Amount(seatPrice), Amount(seatPrice * 3)), (quote.Lines[0].UnitPrice.Amount, quote.Lines[0].Amount.Amount));
        Assert.Equal(Amount(subtotal), quote.Subtotal.Amount);
        // The invoices' tax table on the billing address: Ontario, HST 13% (TAX-1).
        Assert.Equal((Amount(Math.Round(subtotal * 0.13m, 2)), Amount(subtotal + Math.Round(subtotal * 0.13m, 2))), (quote.Tax.Amount, quote.Total.Amount));
        Assert.EndsWith("-Q000001", quote.Number, StringComparison.Ordinal);
    }

    [Fact]
    public async Task QUO_1_only_billing_ops_write_quotes_and_a_sent_quote_cannot_be_edited()
    {
        var kit = await SubscriptionKit.OpenAsync(server);
        var request = new Proto.CreateQuoteRequest { RequestId = Requests.NewRequestId(), AccountId = kit.AccountId };
        request.Lines.Add(QuoteKit.NewSubscription("meeting", "professional", 1));
        var denied = await Api.FailsWithAsync(StatusCode.PermissionDenied, () => kit.Client.Quotes.CreateQuoteAsync(request, kit.Holder).ResponseAsync);
        var sent = await kit.SendQuoteAsync(QuoteKit.NewSubscription("meeting", "professional", 1));
        var edit = new Proto.EditQuoteRequest { RequestId = Requests.NewRequestId(), AccountId = kit.AccountId, QuoteNumber = sent.Number };
        edit.Lines.Add(QuoteKit.NewSubscription("meeting", "professional", 5));

        var refused = await Api.FailsWithAsync(StatusCode.FailedPrecondition, () => kit.Client.Quotes.EditQuoteAsync(edit, kit.Ops).ResponseAsync);

        Assert.Equal(Rules.Acc2, denied.RuleId());
        Assert.Equal(Rules.Quo1, refused.RuleId());
        Assert.Equal(1, (await kit.QuoteAsync(sent.Number)).Lines[0].Seats);
    }

    [Fact]
    public async Task QUO_1_seats_are_quoted_at_the_subscription_own_product_plan_and_frequency_and_a_draft_is_not_shown_to_the_customer()
    {
        var kit = await SubscriptionKit.OpenAsync(server);
        await kit.BuyAsync("meeting-1", "meeting", "professional", seats: 2);
        var request = new Proto.CreateQuoteRequest { RequestId = Requests.NewRequestId(), AccountId = kit.AccountId };
        request.Lines.Add(QuoteKit.AddSeats("meeting-1", "meeting", "business", 3));
        var unknown = new Proto.CreateQuoteRequest { RequestId = Requests.NewRequestId(), AccountId = kit.AccountId };
        unknown.Lines.Add(QuoteKit.AddSeats("meeting-9", "meeting", "professional", 3));

        var otherPlan = await Api.FailsWithAsync(StatusCode.InvalidArgument, () => kit.Client.Quotes.CreateQuoteAsync(request, kit.Ops).ResponseAsync);
        var noSuch = await Api.FailsWithAsync(StatusCode.InvalidArgument, () => kit.Client.Quotes.CreateQuoteAsync(unknown, kit.Ops).ResponseAsync);
        var draft = await kit.CreateQuoteAsync(QuoteKit.AddSeats("meeting-1", "meeting", "professional", 3));
        var hidden = await Api.FailsWithAsync(StatusCode.NotFound, () => kit.QuoteAsync(draft.Number));
        var listedBefore = await kit.QuotesAsync();
        await kit.Client.Quotes.SendQuoteAsync(new Proto.SendQuoteRequest { RequestId = Requests.NewRequestId(), AccountId = kit.AccountId, QuoteNumber = draft.Number }, kit.Ops);

        Assert.Equal(["lines[0].plan_id"], otherPlan.BadFields());
        Assert.Equal(["lines[0].subscription_id"], noSuch.BadFields());
        Assert.Equal(StatusCode.NotFound, hidden.StatusCode);
        Assert.Empty(listedBefore);
        Assert.Equal(draft.Number, (await kit.QuotesAsync()).Single().Number);
    }

    [Fact]
    public async Task QUO_2_a_quote_sent_on_day_0_is_sent_one_second_before_day_7_and_expired_at_day_7_and_accepting_it_then_is_refused()
    {
        var kit = await SubscriptionKit.OpenAsync(server);
        var sent = await kit.SendQuoteAsync(QuoteKit.NewSubscription("meeting", "professional", 1));

        await kit.AdvanceToAsync(Start.AddDays(7).AddSeconds(-1));
        var before = await kit.QuoteAsync(sent.Number);
        await kit.AdvanceToAsync(Start.AddDays(7));
        var after = await kit.QuoteAsync(sent.Number);
        var refused = await Api.FailsWithAsync(StatusCode.FailedPrecondition, () => kit.AcceptAsync(kit.Accept(sent.Number)));
        var notices = await kit.NotificationsAsync(QuoteGrain.TypeName, $"{kit.AccountId}/{sent.Number}");

        Assert.Equal(Start.AddDays(7), sent.ExpiresAt.ToDateTimeOffset());
        Assert.Equal(Proto.QuoteStatus.Sent, before.Status);
        Assert.Equal(Proto.QuoteStatus.Expired, after.Status);
        Assert.Equal(Rules.Quo2, refused.RuleId());
        Assert.Contains(sent.Number, refused.Status.Detail, StringComparison.Ordinal);
        Assert.Equal([QuoteGrain.SentKind, QuoteGrain.ExpiredKind], notices);
        Assert.Empty(await kit.ListAsync());
    }

    [Fact]
    public async Task QUO_3_a_pending_quote_becomes_superseded_when_the_holder_orders_seats_and_its_notification_names_the_new_quote()
    {
        var kit = await SubscriptionKit.OpenAsync(server);
        await kit.BuyAsync("meeting-1", "meeting", "professional", seats: 2);
        var pending = await kit.SendQuoteAsync(QuoteKit.NewSubscription("webinar", "lite", 1));

        var ordered = await kit.OrderSeatsAsync("meeting-1", 3);
        var superseded = await kit.QuoteAsync(pending.Number);
        var notices = await server.Cluster.OutboxAsync(QuoteGrain.TypeName, $"{kit.AccountId}/{pending.Number}");

        Assert.Equal(Proto.QuoteStatus.Sent, ordered.Status);
        Assert.Equal((Proto.QuoteStatus.Superseded, ordered.Number), (superseded.Status, superseded.SupersededBy));
        Assert.Equal([QuoteGrain.SentKind, QuoteGrain.SupersededKind], notices.Select(n => n.Kind));
        Assert.Contains(ordered.Number, notices[^1].PayloadJson, StringComparison.Ordinal);
        Assert.Equal(Rules.Quo3, (await Api.FailsWithAsync(StatusCode.FailedPrecondition, () => kit.AcceptAsync(kit.Accept(pending.Number)))).RuleId());
    }

    [Fact]
    public async Task QUO_5_ACC_2_a_quote_goes_to_the_billing_contact_the_holder_handed_over_to_not_to_the_company_contact()
    {
        var kit = await SubscriptionKit.OpenAsync(server);
        await kit.Client.AccountAsync("AddMember", new Proto.AddMemberRequest
        {
            RequestId = Requests.NewRequestId(), AccountId = kit.AccountId, SubjectId = "grace", Email = "grace@acme.example", Role = Proto.MemberRole.User,
        }, kit.Holder);
        await kit.Client.AccountAsync("ChangeBillingContact", new Proto.ChangeBillingContactRequest
        {
            RequestId = Requests.NewRequestId(), AccountId = kit.AccountId, NewHolderSubjectId = "grace",
        }, kit.Holder);

        var sent = await kit.SendQuoteAsync(QuoteKit.NewSubscription("webinar", "lite", 1));
        var notice = Assert.Single(await server.Cluster.OutboxAsync(QuoteGrain.TypeName, $"{kit.AccountId}/{sent.Number}"));

        Assert.Contains("\"grace@acme.example\"", notice.PayloadJson, StringComparison.Ordinal);
        Assert.DoesNotContain("ada@acme.example", notice.PayloadJson, StringComparison.Ordinal);
    }

    [Fact]
    public async Task QUO_4_seats_of_a_product_the_catalog_does_not_mark_eligible_cannot_be_ordered_online()
    {
        var kit = await SubscriptionKit.OpenAsync(server);
        await kit.BuyAsync("central-1", "central", "basic");

        var refused = await Api.FailsWithAsync(StatusCode.FailedPrecondition, () => kit.OrderSeatsAsync("central-1", 2));

        Assert.Equal(Rules.Quo4, refused.RuleId());
        Assert.Contains("cannot be ordered online", refused.Status.Detail, StringComparison.Ordinal);
        Assert.Empty(await kit.QuotesAsync());
    }

    [Fact]
    public async Task QUO_4_an_account_without_an_automatic_payment_method_cannot_order_seats_online()
    {
        var kit = await SubscriptionKit.OpenAsync(server);
        await kit.BuyAsync("meeting-1", "meeting", "professional");
        await kit.Client.AccountAsync("RemovePaymentMethod", new Proto.RemovePaymentMethodRequest
        {
            RequestId = Requests.NewRequestId(), AccountId = kit.AccountId, PaymentMethodId = "card-1",
        }, kit.Holder);

        var refused = await Api.FailsWithAsync(StatusCode.FailedPrecondition, () => kit.OrderSeatsAsync("meeting-1", 2));

        Assert.Equal(Rules.Quo4, refused.RuleId());
        Assert.Contains("no automatic payment method", refused.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task QUO_6_a_rejection_without_a_comment_is_invalid_argument_naming_the_field_and_the_comment_is_kept()
    {
        var kit = await SubscriptionKit.OpenAsync(server);
        var sent = await kit.SendQuoteAsync(QuoteKit.NewSubscription("meeting", "professional", 1));
        Proto.RejectQuoteRequest Reject(string comment) => new() { RequestId = Requests.NewRequestId(), AccountId = kit.AccountId, QuoteNumber = sent.Number, Comment = comment };

        var invalid = await Api.FailsWithAsync(StatusCode.InvalidArgument, () => kit.Client.Quotes.RejectQuoteAsync(Reject("  "), kit.Holder).ResponseAsync);
        var rejected = await kit.Client.Quotes.RejectQuoteAsync(Reject("Too many seats for this quarter"), kit.Holder);
        var read = await kit.QuoteAsync(sent.Number);

        Assert.Equal(["comment"], invalid.BadFields());
        Assert.Equal((Proto.QuoteStatus.Rejected, "Too many seats for this quarter"), (rejected.Status, rejected.RejectionComment));
        Assert.Equal("Too many seats for this quarter", read.RejectionComment);
        Assert.Contains("\"pendingQuotes\":[]", (await kit.InspectAccountAsync()).StateJson, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ACC_2_billing_viewers_read_quotes_but_cannot_accept_or_reject_them()
    {
        var kit = await SubscriptionKit.OpenAsync(server);
        var sent = await kit.SendQuoteAsync(QuoteKit.NewSubscription("meeting", "professional", 1));

        var read = await kit.Client.Quotes.GetQuoteAsync(new Proto.GetQuoteRequest { AccountId = kit.AccountId, QuoteNumber = sent.Number }, kit.Viewer);
        var accept = kit.Accept(sent.Number);
        var denied = await Api.FailsWithAsync(StatusCode.PermissionDenied, () => kit.Client.Quotes.AcceptQuotesAsync(accept, kit.Viewer).ResponseAsync);

        Assert.Equal(sent.Number, read.Number);
        Assert.Equal(Rules.Acc2, denied.RuleId());
    }

    private static string Amount(decimal value) => value.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture);
}

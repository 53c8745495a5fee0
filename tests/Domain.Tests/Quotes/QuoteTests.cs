using Subscriptions.Domain.Accounts;
using Subscriptions.Domain.Billing;
using Subscriptions.Domain.Currencies;
using Subscriptions.Domain.Errors;
using Subscriptions.Domain.Quotes;
using Subscriptions.Domain.Tax;
using static Subscriptions.Domain.Tests.TestKit;

namespace Subscriptions.Domain.Tests.Quotes;

/// <summary>The quote aggregate (SPEC §3): priced lines, sending and expiry, acceptance, rejection, supersession.</summary>
public sealed class QuoteTests
{
    private static readonly DateTimeOffset Day0 = Utc(2026, 3, 2, 9);
    private static readonly TaxCalculator Tax = new(TaxTableLoader.LoadDefault());
    private static readonly QuoteLine TwoSeats = new(QuoteLineKind.AddSeats, "meeting-1", "meeting", "professional", 2, BillingFrequency.Monthly);
    private static readonly QuoteLine NewWebinar = new(QuoteLineKind.NewSubscription, null, "webinar", "lite", 1, BillingFrequency.Annual);

    private static QuoteContext Context(DateTimeOffset now, CallerAuthority caller = CallerAuthority.BillingOps) =>
        new(TestKit.Catalog, Tax, new TaxProfile("US", "IL"), Currency.Usd, caller, caller == CallerAuthority.BillingOps ? "ops-1" : "holder-1", now);

    private static Quote Sent() =>
        Quote.Decide(Quote.Draft(new DraftQuote("Q-1", "acc-1", [TwoSeats]), Context(Day0)).Quote, new SendQuote(), Context(Day0)).Quote;

    [Fact]
    public void QUO_1_a_draft_prices_each_line_from_the_catalog_in_the_account_currency_and_taxes_the_subtotal_like_an_invoice()
    {
        var draft = Quote.Draft(new DraftQuote("Q-1", "acc-1", [TwoSeats, NewWebinar]), Context(Day0)).Quote;
        var meeting = TestKit.Catalog.Product("meeting").Plan("professional").SeatPrice("meeting", BillingFrequency.Monthly, Currency.Usd);
        var webinar = TestKit.Catalog.Product("webinar").Plan("lite").SeatPrice("webinar", BillingFrequency.Annual, Currency.Usd);

        Assert.Equal(QuoteStatus.Draft, draft.Status);
        Assert.Equal([meeting * 2, webinar], draft.Lines.Select(l => l.Amount));
        Assert.Equal(meeting * 2 + webinar, draft.Subtotal);
        Assert.Equal(draft.Subtotal + Tax.Assess(draft.Subtotal, new TaxProfile("US", "IL")).Total(Currency.Usd), draft.Total);
        Assert.Null(draft.ExpiresAt);
    }

    [Fact]
    public void QUO_1_only_billing_ops_write_and_send_quotes_and_bad_lines_are_refused_naming_the_field()
    {
        var holder = Assert.Throws<PermissionDeniedException>(() => Quote.Draft(new DraftQuote("Q-1", "acc-1", [TwoSeats]), Context(Day0, CallerAuthority.PrimaryHolder)));
        var empty = Assert.Throws<ValidationException>(() => Quote.Draft(new DraftQuote("Q-1", "acc-1", []), Context(Day0)));
        var noSubscription = Assert.Throws<ValidationException>(() => Quote.Draft(new DraftQuote("Q-1", "acc-1", [TwoSeats with { SubscriptionId = " " }]), Context(Day0)));
        var sentEdit = Assert.Throws<RuleViolationException>(() => Quote.Decide(Sent(), new EditQuote([NewWebinar]), Context(Day0)));

        Assert.Equal(Rules.Acc2, holder.RuleId);
        Assert.Equal("lines", empty.Violations.Single().Field);
        Assert.Equal("lines[0].subscription_id", noSubscription.Violations.Single().Field);
        Assert.Equal(Rules.Quo1, sentEdit.RuleId);
    }

    [Fact]
    public void QUO_2_a_quote_sent_on_day_0_may_be_accepted_one_second_before_day_7_and_expires_at_day_7()
    {
        var sent = Sent();
        var dayBefore = sent.ExpiresAt!.Value.AddSeconds(-1);

        var accepted = Quote.Decide(sent, new AcceptQuote(), Context(dayBefore, CallerAuthority.PrimaryHolder));
        var early = Assert.Throws<RuleViolationException>(() => Quote.Decide(sent, new ExpireQuote(), Context(dayBefore)));
        var expired = Quote.Decide(sent, new ExpireQuote(), Context(Day0.AddDays(7)));
        var late = Assert.Throws<RuleViolationException>(() => Quote.Decide(sent, new AcceptQuote(), Context(Day0.AddDays(7), CallerAuthority.PrimaryHolder)));
        var afterExpiry = Assert.Throws<RuleViolationException>(() => Quote.Decide(expired.Quote, new AcceptQuote(), Context(Day0.AddDays(8), CallerAuthority.PrimaryHolder)));

        Assert.Equal(Day0.AddDays(7), sent.ExpiresAt);
        Assert.Equal(QuoteStatus.Accepted, accepted.Quote.Status);
        Assert.Equal(Rules.Quo2, early.RuleId);
        Assert.Equal((QuoteStatus.Expired, QuoteEvent.Expired), (expired.Quote.Status, expired.Event));
        Assert.Equal((Rules.Quo2, Rules.Quo2), (late.RuleId, afterExpiry.RuleId));
    }

    [Fact]
    public void QUO_3_a_superseded_quote_names_its_replacement_and_can_no_longer_be_accepted()
    {
        var superseded = Quote.Decide(Sent(), new SupersedeQuote("Q-2"), Context(Day0.AddDays(1)));

        var accept = Assert.Throws<RuleViolationException>(() => Quote.Decide(superseded.Quote, new AcceptQuote(), Context(Day0.AddDays(1), CallerAuthority.PrimaryHolder)));

        Assert.Equal((QuoteStatus.Superseded, "Q-2"), (superseded.Quote.Status, superseded.Quote.SupersededBy));
        Assert.Contains("superseded by quote Q-2", superseded.Description, StringComparison.Ordinal);
        Assert.Equal(Rules.Quo3, accept.RuleId);
    }

    [Fact]
    public void QUO_6_a_rejection_needs_a_comment_which_is_kept_and_a_billing_viewer_may_not_decide()
    {
        var none = Assert.Throws<ValidationException>(() => Quote.Decide(Sent(), new RejectQuote("  "), Context(Day0, CallerAuthority.PrimaryHolder)));
        var viewer = Assert.Throws<PermissionDeniedException>(() => Quote.Decide(Sent(), new RejectQuote("Too dear"), Context(Day0, CallerAuthority.BillingViewer)));
        var rejected = Quote.Decide(Sent(), new RejectQuote(" Too dear for now "), Context(Day0.AddDays(2), CallerAuthority.PrimaryHolder));

        Assert.Equal("comment", none.Violations.Single().Field);
        Assert.Equal(Rules.Acc2, viewer.RuleId);
        Assert.Equal((QuoteStatus.Rejected, "Too dear for now"), (rejected.Quote.Status, rejected.Quote.RejectionComment));
    }

    [Fact]
    public void QUO_lifecycle_every_state_and_event_pair_is_allowed_or_refused_with_a_quote_rule()
    {
        foreach (var status in Enum.GetValues<QuoteStatus>())
        {
            foreach (var quoteEvent in Enum.GetValues<QuoteEvent>())
            {
                if (QuoteTransitions.Table.Allows(status, quoteEvent))
                {
                    continue;
                }

                var refusal = QuoteTransitions.Table.RefusalFor(status, quoteEvent);
                Assert.StartsWith("QUO", refusal.RuleId, StringComparison.Ordinal);
                Assert.False(string.IsNullOrWhiteSpace(refusal.Reason));
            }
        }

        Assert.Contains("sent        expired     expired     " + Rules.Quo2, QuoteTransitions.Table.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public void QUO_3_only_the_holder_or_ops_supersede_and_a_quote_past_its_7_days_expires_instead()
    {
        var viewer = Assert.Throws<PermissionDeniedException>(() => Quote.Decide(Sent(), new SupersedeQuote("Q-2"), Context(Day0, CallerAuthority.BillingViewer)));
        var late = Quote.Decide(Sent(), new SupersedeQuote("Q-2"), Context(Day0.AddDays(7), CallerAuthority.PrimaryHolder));
        var draftExpiry = Assert.Throws<RuleViolationException>(() => Quote.Decide(
            Quote.Draft(new DraftQuote("Q-3", "acc-1", [TwoSeats]), Context(Day0)).Quote, new ExpireQuote(), Context(Day0.AddDays(8))));
        var nullLine = Assert.Throws<ValidationException>(() => Quote.Draft(new DraftQuote("Q-4", "acc-1", [TwoSeats, null!]), Context(Day0)));

        Assert.Equal(Rules.Acc2, viewer.RuleId);
        Assert.Equal((QuoteStatus.Expired, (string?)null), (late.Quote.Status, late.Quote.SupersededBy));
        Assert.Contains("not possible to expire a quote that is draft", draftExpiry.Reason, StringComparison.Ordinal);
        Assert.Equal("lines[1]", nullLine.Violations.Single().Field);
    }
}

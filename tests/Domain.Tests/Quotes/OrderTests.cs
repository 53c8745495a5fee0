using Subscriptions.Domain.Accounts;
using Subscriptions.Domain.Billing;
using Subscriptions.Domain.Currencies;
using Subscriptions.Domain.Errors;
using Subscriptions.Domain.Orders;
using Subscriptions.Domain.Quotes;
using Subscriptions.Domain.Tax;
using Subscriptions.Domain.Tests.Accounts;
using static Subscriptions.Domain.Tests.TestKit;

namespace Subscriptions.Domain.Tests.Quotes;

/// <summary>
/// Self-service seats orders (QUO-4), the holds a service order places on its quotes (QUO-5), and the order itself:
/// what a cart must be at acceptance, and its lifecycle.
/// </summary>
public sealed class OrderTests
{
    private static readonly DateTimeOffset Day0 = Utc(2026, 3, 2, 9);
    private static readonly TaxCalculator Tax = new(TaxTableLoader.LoadDefault());
    private static readonly QuoteLine TwoSeats = new(QuoteLineKind.AddSeats, "meeting-1", "meeting", "professional", 2, BillingFrequency.Monthly);
    private static readonly Checkout Checkout = new(new AdministratorContact("admin-1", "admin@acme.example"), "card-1", null);

    private static QuoteContext Context(DateTimeOffset now, CallerAuthority caller = CallerAuthority.BillingOps) =>
        new(TestKit.Catalog, Tax, new TaxProfile("US", "IL"), Currency.Usd, caller, caller == CallerAuthority.BillingOps ? "ops-1" : "holder-1", now);

    private static Account WithCard() => new AccountBuilder().WithCard("card-1").Build();

    private static Quote Sent(string number = "Q-1") =>
        Quote.Decide(Quote.Draft(new DraftQuote(number, WithCard().Id, [TwoSeats]), Context(Day0)).Quote, new SendQuote(), Context(Day0)).Quote;

    [Fact]
    public void QUO_4_a_seats_order_is_a_quote_of_one_line_sent_at_once_to_answer_within_7_days()
    {
        var subscription = Paid("meeting", "professional", 2, Day0).State;

        var ordered = Quote.OrderSeats(new OrderSeats("Q-2", subscription, 3), WithCard(), Context(Day0, CallerAuthority.PrimaryHolder));

        Assert.Equal((QuoteStatus.Sent, QuoteEvent.Sent), (ordered.Quote.Status, ordered.Event));
        Assert.Equal((QuoteLineKind.AddSeats, "sub-1", 3), (ordered.Quote.Lines.Single().Line.Kind, ordered.Quote.Lines.Single().Line.SubscriptionId, ordered.Quote.Lines.Single().Line.Seats));
        Assert.Equal(Day0 + Quote.ValidFor, ordered.Quote.ExpiresAt);
    }

    [Fact]
    public void QUO_4_a_seats_order_is_refused_for_a_product_not_eligible_online()
    {
        var subscription = Paid("central", "basic", 1, Day0).State;

        var refused = Assert.Throws<RuleViolationException>(() => Quote.OrderSeats(new OrderSeats("Q-2", subscription, 3), WithCard(), Context(Day0, CallerAuthority.PrimaryHolder)));

        Assert.Equal(Rules.Quo4, refused.RuleId);
        Assert.Contains("cannot be ordered online", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void QUO_4_a_seats_order_is_refused_without_an_automatic_payment_method_a_wallet_is_not_one()
    {
        var subscription = Paid("meeting", "professional", 2, Day0).State;
        var walletOnly = new AccountBuilder().WithWallet("paypal-1").Build();

        var refused = Assert.Throws<RuleViolationException>(() => Quote.OrderSeats(new OrderSeats("Q-2", subscription, 3), walletOnly, Context(Day0, CallerAuthority.PrimaryHolder)));

        Assert.Equal(Rules.Quo4, refused.RuleId);
        Assert.Contains("no automatic payment method", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void QUO_4_a_seats_order_is_refused_when_the_only_card_has_expired()
    {
        var subscription = Paid("meeting", "professional", 2, Day0).State;
        var expiredCard = new AccountBuilder().WithCard("card-1", expiryMonth: 1, expiryYear: 2026).Build();

        var refused = Assert.Throws<RuleViolationException>(() => Quote.OrderSeats(new OrderSeats("Q-2", subscription, 3), expiredCard, Context(Day0, CallerAuthority.PrimaryHolder)));

        Assert.Equal(Rules.Quo4, refused.RuleId);
        Assert.Contains("no automatic payment method that can be charged", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void QUO_4_a_seats_order_is_refused_without_a_billing_address()
    {
        var subscription = Paid("meeting", "professional", 2, Day0).State;
        var account = WithCard();
        var noAddress = account with { BillingAddress = account.BillingAddress with { Line1 = Account.ErasedMarker } };

        var refused = Assert.Throws<RuleViolationException>(() => Quote.OrderSeats(new OrderSeats("Q-2", subscription, 3), noAddress, Context(Day0, CallerAuthority.PrimaryHolder)));

        Assert.Equal(Rules.Quo4, refused.RuleId);
        Assert.Contains("no billing address", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void QUO_5_a_held_quote_is_kept_for_its_order_past_its_expiry_and_can_be_neither_rejected_superseded_nor_taken_by_another_order()
    {
        var held = Quote.Decide(Sent(), new HoldQuote("O-1", Day0.AddDays(6)), Context(Day0.AddDays(6), CallerAuthority.PrimaryHolder)).Quote;
        var late = Day0.AddDays(8);

        var rejected = Assert.Throws<RuleViolationException>(() => Quote.Decide(held, new RejectQuote("no"), Context(late, CallerAuthority.PrimaryHolder)));
        var superseded = Assert.Throws<RuleViolationException>(() => Quote.Decide(held, new SupersedeQuote("Q-9"), Context(late)));
        var other = Assert.Throws<RuleViolationException>(() => Quote.Decide(held, new HoldQuote("O-2", late), Context(late, CallerAuthority.PrimaryHolder)));
        var accepted = Quote.Decide(held, new AcceptQuote("O-1"), Context(late, CallerAuthority.PrimaryHolder)).Quote;
        var released = Quote.Decide(held, new ReleaseQuote("O-1"), Context(late)).Quote;

        Assert.Equal("O-1", held.HeldBy);
        Assert.All([rejected, superseded, other], e => Assert.Equal(Rules.Quo5, e.RuleId));
        Assert.Equal((QuoteStatus.Accepted, "O-1", (string?)null), (accepted.Status, accepted.OrderNumber, accepted.HeldBy));
        Assert.Equal((QuoteStatus.Sent, (string?)null), (released.Status, released.HeldBy));
    }

    [Fact]
    public void QUO_5_accepting_a_quote_again_for_the_order_that_accepted_it_changes_nothing_and_for_another_is_refused()
    {
        var accepted = Quote.Decide(Quote.Decide(Sent(), new HoldQuote("O-1", Day0), Context(Day0)).Quote, new AcceptQuote("O-1"), Context(Day0)).Quote;

        var again = Quote.Decide(accepted, new AcceptQuote("O-1"), Context(Day0.AddDays(30)));
        var other = Assert.Throws<RuleViolationException>(() => Quote.Decide(accepted, new AcceptQuote("O-2"), Context(Day0)));

        Assert.Equal((accepted, (QuoteEvent?)null), (again.Quote, again.Event));
        Assert.Equal(Rules.Quo5, other.RuleId);
    }

    [Fact]
    public void QUO_1_seats_added_to_a_subscription_are_quoted_at_its_product_plan_and_frequency()
    {
        var subscription = Paid("meeting", "professional", 2, Day0).State;

        Quote.RequireLineMatches(TwoSeats with { SubscriptionId = subscription.Id }, 0, subscription);
        var plan = Assert.Throws<ValidationException>(() => Quote.RequireLineMatches(TwoSeats with { PlanId = "business" }, 1, subscription));
        var frequency = Assert.Throws<ValidationException>(() => Quote.RequireLineMatches(TwoSeats with { Frequency = BillingFrequency.Annual }, 2, subscription));

        Assert.Equal("lines[1].plan_id", plan.Violations.Single().Field);
        Assert.Equal("lines[2].frequency", frequency.Violations.Single().Field);
    }

    [Fact]
    public void QUO_5_a_quote_is_held_only_when_it_could_be_accepted_at_the_acceptance_instant()
    {
        var expired = Assert.Throws<RuleViolationException>(() => Quote.Decide(Sent(), new HoldQuote("O-1", Day0.AddDays(7)), Context(Day0.AddDays(7), CallerAuthority.PrimaryHolder)));
        var draft = Quote.Draft(new DraftQuote("Q-1", "acc-1", [TwoSeats]), Context(Day0)).Quote;
        var notSent = Assert.Throws<RuleViolationException>(() => Quote.Decide(draft, new HoldQuote("O-1", Day0), Context(Day0, CallerAuthority.PrimaryHolder)));

        Assert.Equal(Rules.Quo2, expired.RuleId);
        Assert.Equal(Rules.Quo5, notSent.RuleId);
    }

    [Fact]
    public void QUO_5_an_order_lists_every_quote_line_with_the_subscription_it_changes_or_creates()
    {
        var account = WithCard();
        var newSubscription = Quote.Decide(
            Quote.Draft(new DraftQuote("Q-2", account.Id, [new QuoteLine(QuoteLineKind.NewSubscription, null, "webinar", "lite", 1, BillingFrequency.Monthly)]), Context(Day0)).Quote,
            new SendQuote(), Context(Day0)).Quote;

        var order = ServiceOrder.Place("O-1", Checkout, [Sent(), newSubscription], account, "holder-1", Day0.AddDays(1));

        Assert.Equal(OrderStatus.Placed, order.Status);
        Assert.Equal(["meeting-1", "q-2-1"], order.Lines.Select(l => l.SubscriptionId));
        Assert.Equal(OrderStatus.Fulfilled, ServiceOrder.Decide(order, new FulfilOrder("ACME-000001", null), Day0.AddDays(1)).Status);
    }

    [Fact]
    public void QUO_5_a_cart_with_an_expired_or_superseded_quote_is_refused_naming_the_quote_and_the_rule()
    {
        var account = WithCard();
        var superseded = Quote.Decide(Sent("Q-3"), new SupersedeQuote("Q-4"), Context(Day0.AddDays(1))).Quote;

        var expired = Assert.Throws<RuleViolationException>(() => ServiceOrder.Place("O-1", Checkout, [Sent("Q-1"), Sent("Q-2")], account, "holder-1", Day0.AddDays(7)));
        var replaced = Assert.Throws<RuleViolationException>(() => ServiceOrder.Place("O-1", Checkout, [Sent("Q-1"), superseded], account, "holder-1", Day0.AddDays(1)));

        Assert.Equal(Rules.Quo2, expired.RuleId);
        Assert.Contains("Q-1", expired.Message, StringComparison.Ordinal);
        Assert.Equal(Rules.Quo3, replaced.RuleId);
        Assert.Contains("Q-3", replaced.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void QUO_5_the_checkout_needs_an_administrator_and_a_saved_automatic_payment_method()
    {
        var account = new AccountBuilder().WithCard("card-1").WithWallet("paypal-1").Build();

        var invalid = Assert.Throws<ValidationException>(() => ServiceOrder.Place(
            "O-1", new Checkout(new AdministratorContact(" ", "not-an-email"), "card-1", null), [Sent()], account, "holder-1", Day0));
        var unknown = Assert.Throws<ValidationException>(() => ServiceOrder.Place("O-1", Checkout with { PaymentMethodId = "card-9" }, [Sent()], account, "holder-1", Day0));
        var wallet = Assert.Throws<RuleViolationException>(() => ServiceOrder.Place("O-1", Checkout with { PaymentMethodId = "paypal-1" }, [Sent()], account, "holder-1", Day0));
        var twice = Assert.Throws<ValidationException>(() => ServiceOrder.RequireCart(["Q-1", "Q-1"]));

        Assert.Equal(["checkout.administrator.subject_id", "checkout.administrator.email"], invalid.Violations.Select(v => v.Field));
        Assert.Equal("checkout.payment_method_id", unknown.Violations.Single().Field);
        Assert.Equal(Rules.Quo5, wallet.RuleId);
        Assert.Equal("quote_numbers", twice.Violations.Single().Field);
    }

    [Fact]
    public void QUO_5_a_fulfilled_or_refused_order_is_final()
    {
        var order = ServiceOrder.Place("O-1", Checkout, [Sent()], WithCard(), "holder-1", Day0);
        var refused = ServiceOrder.Decide(order, new RefuseOrder(new OrderRefusal(Rules.Quo2, "Q-1", "expired")), Day0);
        var fulfilled = ServiceOrder.Decide(order, new FulfilOrder(null, null), Day0);

        Assert.Equal(Rules.Quo5, Assert.Throws<RuleViolationException>(() => ServiceOrder.Decide(refused, new FulfilOrder(null, null), Day0)).RuleId);
        Assert.Equal(Rules.Quo5, Assert.Throws<RuleViolationException>(() => ServiceOrder.Decide(fulfilled, new RefuseOrder(new OrderRefusal(Rules.Quo2, "Q-1", "x")), Day0)).RuleId);
    }
}

using Grpc.Core;
using Subscriptions.Api.Tests.SubscriptionLifecycle;
using Subscriptions.Domain;
using Subscriptions.Grains.Invoices;
using Proto = Subscriptions.Grpc.Api.V1;

namespace Subscriptions.Api.Tests.Invoices;

/// <summary>
/// Payments through the API with the simulated gateway's test tokens (INV-3, INV-4): declines and their limits,
/// overpayment, one-time cards, strong customer authentication, and who may pay (ACC-2).
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class PaymentTests(ApiServer server)
{
    private static readonly DateTimeOffset Start = SubscriptionKit.Start;

    [Fact]
    public async Task INV_4_after_a_decline_another_card_may_be_tried_at_once_and_pays_the_invoice()
    {
        var (kit, number) = await InvoiceKit.OpenWithInvoiceAsync(server);
        var declining = Requests.AddCard(kit.AccountId, 2);
        declining.GatewayToken = "tok_decline_card_2";
        await kit.Client.AccountAsync("AddCard", declining, kit.Holder);

        var declined = await kit.PayAsync(number, method: "card-2");
        var paid = await kit.PayAsync(number, method: "card-1");

        Assert.Equal(Proto.PaymentAttemptStatus.Declined, declined.Attempt.Status);
        Assert.Equal((Proto.PaymentAttemptStatus.Succeeded, Proto.InvoiceStatus.Paid), (paid.Attempt.Status, paid.Invoice.Status));
    }

    [Fact]
    public async Task INV_4_a_declined_card_is_retried_after_an_hour_and_a_fourth_failed_attempt_in_24_hours_is_refused()
    {
        var (kit, number) = await InvoiceKit.OpenWithInvoiceAsync(server);
        var declining = Requests.AddCard(kit.AccountId, 2);
        declining.GatewayToken = "tok_decline_card_2";
        await kit.Client.AccountAsync("AddCard", declining, kit.Holder);

        var first = await kit.PayAsync(number, method: "card-2");
        var tooSoon = await Api.FailsWithAsync(StatusCode.FailedPrecondition, () => kit.PayAsync(number, method: "card-2"));
        await kit.AdvanceToAsync(Start.AddHours(1));
        await kit.PayAsync(number, method: "card-2");
        await kit.AdvanceToAsync(Start.AddHours(2));
        await kit.PayAsync(number, method: "card-2");
        await kit.AdvanceToAsync(Start.AddHours(3));
        var fourth = await Api.FailsWithAsync(StatusCode.FailedPrecondition, () => kit.PayAsync(number, method: "card-1"));

        Assert.Equal((Proto.PaymentAttemptStatus.Declined, "card_declined", Proto.InvoiceStatus.Open), (first.Attempt.Status, first.Attempt.FailureReason, first.Invoice.Status));
        Assert.Equal(Rules.Inv4, tooSoon.RuleId());
        Assert.Contains("can be retried after 1 hour", tooSoon.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(Rules.Inv4, fourth.RuleId());
        Assert.Contains("maximum attempts reached, try again in 24 hours", fourth.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(3, (await kit.AttemptsAsync(number)).Count);

        // A day after the first attempt, two attempts are left in the window: the next one goes through.
        await kit.AdvanceToAsync(Start.AddHours(24).AddMinutes(1));
        var paid = await kit.PayAsync(number, method: "card-1");
        Assert.Equal((Proto.PaymentAttemptStatus.Succeeded, Proto.InvoiceStatus.Paid), (paid.Attempt.Status, paid.Invoice.Status));
        Assert.Equal(
            [InvoiceNotice.PaymentFailed, InvoiceNotice.PaymentFailed, InvoiceNotice.PaymentFailed, InvoiceNotice.Receipt],
            await kit.NotificationsAsync(InvoiceGrain.TypeName, InvoiceKey.Of(kit.AccountId, number)));
    }

    [Fact]
    public async Task INV_3_overpayment_is_refused_a_partial_payment_applies_and_a_one_time_card_pays_the_rest_without_being_saved()
    {
        var (kit, number) = await InvoiceKit.OpenWithInvoiceAsync(server);
        var methodsBefore = (await kit.AccountAsync()).PaymentMethods;

        var over = await Api.FailsWithAsync(StatusCode.FailedPrecondition, () => kit.PayAsync(number, amount: "12.01"));
        var tooFine = await Api.FailsWithAsync(StatusCode.InvalidArgument, () => kit.PayAsync(number, amount: "1.001"));
        var part = await kit.PayAsync(number, amount: "2.50");
        var rest = await kit.PayAsync(number, oneTimeToken: "tok_visa_once");

        Assert.Equal(Rules.Inv3, over.RuleId());
        Assert.Contains("Overpayment refused", over.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(["amount"], tooFine.BadFields());
        Assert.Equal((Proto.InvoiceStatus.Open, "2.50", "9.50"), (part.Invoice.Status, part.Invoice.AmountPaid.Amount, part.Invoice.Balance.Amount));
        Assert.Equal((Proto.InvoiceStatus.Paid, "9.50", "one-time card", ""), (rest.Invoice.Status, rest.Attempt.Amount.Amount, rest.Attempt.Method, rest.Attempt.PaymentMethodId));
        Assert.Equal(methodsBefore, (await kit.AccountAsync()).PaymentMethods);
        var paidAgain = await Api.FailsWithAsync(StatusCode.FailedPrecondition, () => kit.PayAsync(number));
        Assert.Equal($"{Rules.Inv3}: The invoice is already paid in full.", paidAgain.Status.Detail);
    }

    [Fact]
    public async Task INV_4_a_payment_needing_authentication_waits_until_it_is_abandoned_or_confirmed()
    {
        var (kit, number) = await InvoiceKit.OpenWithInvoiceAsync(server);

        var waiting = await kit.PayAsync(number, oneTimeToken: "tok_sca_first");
        var blocked = await Api.FailsWithAsync(StatusCode.FailedPrecondition, () => kit.PayAsync(number));
        var abandoned = await kit.SettleAsync(number, waiting.Attempt.Number, confirm: false);
        var second = await kit.PayAsync(number, oneTimeToken: "tok_sca_second");
        var confirmed = await kit.SettleAsync(number, second.Attempt.Number, confirm: true);
        var again = await Api.FailsWithAsync(StatusCode.FailedPrecondition, () => kit.SettleAsync(number, second.Attempt.Number, confirm: true));

        Assert.Equal((Proto.PaymentAttemptStatus.RequiresAction, "12.00"), (waiting.Attempt.Status, waiting.Invoice.Balance.Amount));
        Assert.Contains("waiting for authentication", blocked.Status.Detail, StringComparison.Ordinal);
        Assert.Equal((Proto.PaymentAttemptStatus.Abandoned, Proto.InvoiceStatus.Open, "12.00"), (abandoned.Attempt.Status, abandoned.Invoice.Status, abandoned.Invoice.Balance.Amount));
        Assert.Equal((Proto.PaymentAttemptStatus.Succeeded, Proto.InvoiceStatus.Paid), (confirmed.Attempt.Status, confirmed.Invoice.Status));
        Assert.NotNull(confirmed.Attempt.SettledAt);
        Assert.Equal(Rules.Inv4, again.RuleId());
        Assert.Equal(
            [Proto.PaymentAttemptStatus.Abandoned, Proto.PaymentAttemptStatus.Succeeded],
            (await kit.AttemptsAsync(number)).Select(a => a.Status));
        Assert.Equal(
            [InvoiceNotice.RequiresAction, InvoiceNotice.RequiresAction, InvoiceNotice.Receipt],
            await kit.NotificationsAsync(InvoiceGrain.TypeName, InvoiceKey.Of(kit.AccountId, number)));
    }

    [Fact]
    public async Task ACC_2_billing_viewers_may_pay_and_users_may_not()
    {
        var (kit, number) = await InvoiceKit.OpenWithInvoiceAsync(server);

        var denied = await Api.FailsWithAsync(StatusCode.PermissionDenied, () => kit.PayAsync(number, server.Tokens.As($"user-{kit.AccountId}", $"{Subscriptions.Grpc.Api.Auth.RoleClaims.User}:{kit.AccountId}")));
        var paid = await kit.PayAsync(number, kit.Viewer);

        Assert.Equal(Rules.Acc2, denied.RuleId());
        Assert.Equal(Proto.InvoiceStatus.Paid, paid.Invoice.Status);
    }

    [Fact]
    public async Task IDEM_1_a_payment_retried_with_its_request_id_answers_the_first_attempt_and_charges_once()
    {
        var (kit, number) = await InvoiceKit.OpenWithInvoiceAsync(server);

        var first = await kit.PayAsync(number, amount: "4.00", requestId: "pay-once");
        var retried = await kit.PayAsync(number, amount: "4.00", requestId: "pay-once");

        Assert.Equal(first, retried);
        Assert.Equal("8.00", (await kit.InvoiceAsync(number)).Balance.Amount);
        Assert.Single(await kit.AttemptsAsync(number));
    }
}

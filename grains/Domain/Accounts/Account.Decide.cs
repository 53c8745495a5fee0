namespace Subscriptions.Domain.Accounts;

/// <summary>A change to an existing account (ACC-1..5, 7): every account command but the one that opens it.</summary>
public abstract record AccountCommand;

/// <summary>
/// Who asks for an account change, the account's time (its test clock's for a sandbox account), and the account's
/// subscriptions as far as a decision needs them: every one it ever started (CLOCK-1) and those not yet ended (ACC-8).
/// </summary>
public sealed record AccountContext(Actor Actor, DateTimeOffset Now)
{
    /// <summary>Every subscription the account started, ended or not, in the order they started.</summary>
    public IReadOnlyList<string> SubscriptionIds { get; init; } = [];

    /// <summary>The subscriptions not yet cancelled or expired.</summary>
    public IReadOnlyList<string> LiveSubscriptionIds { get; init; } = [];
}

public sealed partial record Account
{
    /// <summary>
    /// Decides <paramref name="command"/> on <paramref name="account"/>: the one entry for every account change, the
    /// same shape as <c>Subscription.Decide</c>. The caller's right to the change (ACC-2) is checked first, then the
    /// command; a refusal throws, a decision returns the new account and its audit entries (ACC-7).
    /// </summary>
    public static AccountDecision Decide(Account account, AccountCommand command, AccountContext context)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(context);
        if (command is not ErasePersonalData)
        {
            account.RequireNotErased();
        }

        return command switch
        {
            ErasePersonalData c => account.Decide(context.Actor, c, context.Now, context.LiveSubscriptionIds),
            AddMember c => account.Decide(context.Actor, c, context.Now),
            RemoveMember c => account.Decide(context.Actor, c, context.Now),
            ChangeMemberRole c => account.Decide(context.Actor, c, context.Now),
            SetAdministrator c => account.Decide(context.Actor, c, context.Now),
            ChangeBillingContact c => account.Decide(context.Actor, c, context.Now),
            AddCard c => account.Decide(context.Actor, c, context.Now),
            AddBankAccount c => account.Decide(context.Actor, c, context.Now),
            AddPayPalWallet c => account.Decide(context.Actor, c, context.Now),
            RemovePaymentMethod c => account.Decide(context.Actor, c, context.Now),
            SetDefaultPaymentMethod c => account.Decide(context.Actor, c, context.Now),
            SetAutopay c => account.Decide(context.Actor, c, context.Now),
            UpdateCompanyProfile c => account.Decide(context.Actor, c, context.Now),
            ChangeBillingAddress c => account.Decide(context.Actor, c, context.Now),
            ChangeShippingAddress c => account.Decide(context.Actor, c, context.Now),
            AttachTestClock c => account.Decide(context.Actor, c, context.Now, context.SubscriptionIds),
            AddInvoiceRecipient c => account.Decide(context.Actor, c, context.Now),
            RemoveInvoiceRecipient c => account.Decide(context.Actor, c, context.Now),
            SetReceiptRecipient c => account.Decide(context.Actor, c, context.Now),
            RecordVatId c => account.Decide(context.Actor, c, context.Now),
            RequestTaxExemption c => account.Decide(context.Actor, c, context.Now),
            ApproveTaxExemption c => account.Decide(context.Actor, c, context.Now),
            RejectTaxExemption c => account.Decide(context.Actor, c, context.Now),
            null => throw new ArgumentNullException(nameof(command)),
            _ => throw new ArgumentOutOfRangeException(nameof(command), command.GetType().Name, "Unknown account command."),
        };
    }
}

using Subscriptions.Domain.Accounts.Validation;
using Subscriptions.Domain.Errors;

namespace Subscriptions.Domain.Accounts;

/// <summary>Invoice and receipt recipients (ACC-4). Billing viewers may manage them too (connect-billing-guide).</summary>
public sealed partial record Account
{
    /// <summary>The most invoice recipients besides the billing contact.</summary>
    public const int MaxInvoiceRecipients = 5;

    /// <summary>Adds an invoice recipient; duplicates (including the billing contact's own address) and a sixth are refused.</summary>
    private AccountDecision Decide(Actor actor, AddInvoiceRecipient command, DateTimeOffset now)
    {
        Authorize(actor, AccountAction.ManageRecipients);
        var email = ValidEmail(command.Email);
        if (InvoiceRecipientEmails.Contains(email, StringComparer.OrdinalIgnoreCase))
        {
            throw new RuleViolationException(Rules.Acc4, $"{Quoted.Of(email)} already receives the invoices of account {Quoted.Of(Id)}.");
        }

        if (InvoiceRecipients.Count >= MaxInvoiceRecipients)
        {
            throw new RuleViolationException(
                Rules.Acc4, $"Account {Quoted.Of(Id)} already has {MaxInvoiceRecipients} invoice recipients besides the billing contact, the most allowed; remove one before adding {Quoted.Of(email)}.");
        }

        return AccountDecision.Of(
            this with { InvoiceRecipients = [.. InvoiceRecipients, email] },
            AuditEntry.Of(actor, now, "invoice_recipient", null, email));
    }

    /// <summary>Removes an invoice recipient; the billing contact always receives invoices and cannot be removed here.</summary>
    private AccountDecision Decide(Actor actor, RemoveInvoiceRecipient command, DateTimeOffset now)
    {
        Authorize(actor, AccountAction.ManageRecipients);
        var email = ValidEmail(command.Email);
        var existing = InvoiceRecipients.FirstOrDefault(r => string.Equals(r, email, StringComparison.OrdinalIgnoreCase));
        if (existing is null && string.Equals(PrimaryHolder.Email, email, StringComparison.OrdinalIgnoreCase))
        {
            throw new RuleViolationException(
                Rules.Acc4, $"{Quoted.Of(email)} is the billing contact of account {Quoted.Of(Id)} and always receives invoices; change the billing contact instead.");
        }

        return existing is null
            ? throw new NotFoundException("Invoice recipient", $"{Id}/{email}")
            : AccountDecision.Of(
                this with { InvoiceRecipients = [.. InvoiceRecipients.Where(r => r != existing)] },
                AuditEntry.Of(actor, now, "invoice_recipient", existing, null));
    }

    /// <summary>Sets the one address receipts go to.</summary>
    private AccountDecision Decide(Actor actor, SetReceiptRecipient command, DateTimeOffset now)
    {
        Authorize(actor, AccountAction.ManageRecipients);
        var email = ValidEmail(command.Email);
        return email == ReceiptRecipient
            ? AccountDecision.Unchanged(this)
            : AccountDecision.Of(this with { ReceiptRecipient = email }, AuditEntry.Of(actor, now, "receipt_recipient", ReceiptRecipient, email));
    }

    private static string ValidEmail(string? email)
    {
        var violations = new ViolationList();
        violations.Check("email", EmailRules.Problem(email));
        violations.ThrowIfAny();
        return EmailRules.Normalize(email!);
    }
}

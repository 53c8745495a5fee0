namespace Subscriptions.Domain.Accounts;

/// <summary>What a caller wants to do on an account, its subscriptions or its invoices; <see cref="Permissions"/> says who may (ACC-2).</summary>
public enum AccountAction
{
    /// <summary>Read the account's billing details (addresses, payment methods, recipients, taxes).</summary>
    ViewBillingInfo = 1,

    /// <summary>Read invoices and the balance.</summary>
    ViewInvoices,

    /// <summary>Pay an invoice.</summary>
    PayInvoices,

    /// <summary>Change company name, primary contact, time zone, billing or shipping address.</summary>
    ChangeBillingInfo,

    /// <summary>Add, remove or choose the default payment method; switch autopay.</summary>
    ManagePaymentMethods,

    /// <summary>Start, change or cancel subscriptions, accept quotes.</summary>
    ManageSubscriptions,

    /// <summary>Read the account's subscriptions.</summary>
    ViewSubscriptions,

    /// <summary>Add or remove members and change their roles.</summary>
    ManageMembers,

    /// <summary>Hand the primary-holder role (the billing contact) to another member.</summary>
    ChangeBillingContact,

    /// <summary>Change invoice recipients and the receipt recipient (ACC-4).</summary>
    ManageRecipients,

    /// <summary>Record a VAT id or request a US tax exemption (ACC-5).</summary>
    ManageTaxSettings,

    /// <summary>Approve or reject a tax exemption request (billing ops only, ACC-5).</summary>
    DecideTaxExemption,

    /// <summary>List the account's audit trail (billing ops only, ACC-7).</summary>
    ViewAuditTrail,

    /// <summary>Attach a test clock to a sandbox account (CLOCK-1).</summary>
    ManageTestClock,

    /// <summary>Dispute an invoice (INV-7).</summary>
    DisputeInvoices,

    /// <summary>Resolve an invoice dispute with a credit or a rejection (billing ops only, INV-7).</summary>
    ResolveDisputes,

    /// <summary>Erase the account's personal data on a GDPR request (billing ops only, ACC-8).</summary>
    EraseData,

    /// <summary>Void an invoice nothing was paid on (billing ops only).</summary>
    VoidInvoices,

    /// <summary>Read the account's quotes and service orders (QUO-1).</summary>
    ViewQuotes,

    /// <summary>Accept a quote or a cart of quotes, reject one, order seats online (QUO-3 to QUO-6).</summary>
    AnswerQuotes,

    /// <summary>Write, edit and send quotes (billing ops only, QUO-1, QUO-2).</summary>
    WriteQuotes,
}

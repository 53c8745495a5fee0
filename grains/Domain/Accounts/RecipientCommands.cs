namespace Subscriptions.Domain.Accounts;

/// <summary>Adds an invoice recipient besides the billing contact; at most 5 (ACC-4).</summary>
public sealed record AddInvoiceRecipient(string Email) : AccountCommand;

/// <summary>Removes an invoice recipient (ACC-4).</summary>
public sealed record RemoveInvoiceRecipient(string Email) : AccountCommand;

/// <summary>Sets the one email address payment receipts go to (ACC-4).</summary>
public sealed record SetReceiptRecipient(string Email) : AccountCommand;

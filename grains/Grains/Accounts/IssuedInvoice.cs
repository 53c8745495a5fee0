using Subscriptions.Domain.Invoices;

namespace Subscriptions.Grains.Accounts;

/// <summary>An invoice as its account issued it, and the test clock the account follows (CLOCK-1), if any.</summary>
public sealed record IssuedInvoice(Invoice Invoice, string? ClockId);

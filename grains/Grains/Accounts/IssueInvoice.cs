using Subscriptions.Domain.Invoices;

namespace Subscriptions.Grains.Accounts;

/// <summary>Charges to invoice now (renewal, upgrade, proration): the account numbers, taxes and issues the invoice (INV-1, INV-2).</summary>
public sealed record IssueInvoice(IReadOnlyList<ChargeLine> Charges);

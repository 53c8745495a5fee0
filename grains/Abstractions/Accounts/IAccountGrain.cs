using Subscriptions.Domain.Accounts;
using Orleans;

namespace Subscriptions.Grains.Accounts;

/// <summary>
/// One account (SPEC §1), keyed by account id. Customer-facing methods take the acting <see cref="Actor"/> and enforce
/// ACC-2 through the domain; every change is recorded in the grain's history with its audit entry (ACC-7).
/// </summary>
[Alias("subscriptions.account")]
public interface IAccountGrain : IGrainWithStringKey
{
    /// <summary>Opens the account (ACC-1); a sandbox account naming a test clock is bound to it (CLOCK-1).</summary>
    Task<AccountSnapshot> CreateAsync(Actor actor, CreateAccount command, CancellationToken cancellationToken = default);

    /// <summary>Reads the account; the actor needs read access (ACC-2).</summary>
    Task<AccountSnapshot> GetAsync(Actor actor, CancellationToken cancellationToken = default);


    /// <summary>Changes company name, primary contact and time zone (ACC-1).</summary>
    Task<AccountSnapshot> UpdateCompanyProfileAsync(Actor actor, UpdateCompanyProfile command, CancellationToken cancellationToken = default);

    /// <summary>Replaces the billing address (ACC-5).</summary>
    Task<AccountSnapshot> ChangeBillingAddressAsync(Actor actor, ChangeBillingAddress command, CancellationToken cancellationToken = default);

    /// <summary>Sets or removes the shipping address (ACC-1).</summary>
    Task<AccountSnapshot> ChangeShippingAddressAsync(Actor actor, ChangeShippingAddress command, CancellationToken cancellationToken = default);

    /// <summary>Records or clears the EU/UK VAT id (ACC-5).</summary>
    Task<AccountSnapshot> RecordVatIdAsync(Actor actor, RecordVatId command, CancellationToken cancellationToken = default);

    /// <summary>Requests a US tax exemption, pending until billing ops decide (ACC-5).</summary>
    Task<AccountSnapshot> RequestTaxExemptionAsync(Actor actor, RequestTaxExemption command, CancellationToken cancellationToken = default);

    /// <summary>Billing ops approve the pending tax exemption (ACC-5).</summary>
    Task<AccountSnapshot> ApproveTaxExemptionAsync(Actor actor, ApproveTaxExemption command, CancellationToken cancellationToken = default);

    /// <summary>Billing ops reject the pending tax exemption (ACC-5).</summary>
    Task<AccountSnapshot> RejectTaxExemptionAsync(Actor actor, RejectTaxExemption command, CancellationToken cancellationToken = default);

    /// <summary>Saves a card (ACC-3).</summary>
    Task<AccountSnapshot> AddCardAsync(Actor actor, AddCard command, CancellationToken cancellationToken = default);

    /// <summary>Saves a bank account for direct debit (ACC-3).</summary>
    Task<AccountSnapshot> AddBankAccountAsync(Actor actor, AddBankAccount command, CancellationToken cancellationToken = default);

    /// <summary>Connects a PayPal wallet (ACC-3).</summary>
    Task<AccountSnapshot> AddPayPalWalletAsync(Actor actor, AddPayPalWallet command, CancellationToken cancellationToken = default);

    /// <summary>Removes a payment method (ACC-3).</summary>
    Task<AccountSnapshot> RemovePaymentMethodAsync(Actor actor, RemovePaymentMethod command, CancellationToken cancellationToken = default);

    /// <summary>Chooses the default payment method (ACC-3).</summary>
    Task<AccountSnapshot> SetDefaultPaymentMethodAsync(Actor actor, SetDefaultPaymentMethod command, CancellationToken cancellationToken = default);

    /// <summary>Turns autopay on or off (ACC-3).</summary>
    Task<AccountSnapshot> SetAutopayAsync(Actor actor, SetAutopay command, CancellationToken cancellationToken = default);

    /// <summary>Adds an invoice recipient (ACC-4).</summary>
    Task<AccountSnapshot> AddInvoiceRecipientAsync(Actor actor, AddInvoiceRecipient command, CancellationToken cancellationToken = default);

    /// <summary>Removes an invoice recipient (ACC-4).</summary>
    Task<AccountSnapshot> RemoveInvoiceRecipientAsync(Actor actor, RemoveInvoiceRecipient command, CancellationToken cancellationToken = default);

    /// <summary>Sets the receipt recipient (ACC-4).</summary>
    Task<AccountSnapshot> SetReceiptRecipientAsync(Actor actor, SetReceiptRecipient command, CancellationToken cancellationToken = default);

    /// <summary>Adds a billing viewer or user (ACC-2).</summary>
    Task<AccountSnapshot> AddMemberAsync(Actor actor, AddMember command, CancellationToken cancellationToken = default);

    /// <summary>Removes a member (ACC-2).</summary>
    Task<AccountSnapshot> RemoveMemberAsync(Actor actor, RemoveMember command, CancellationToken cancellationToken = default);

    /// <summary>Switches a member between billing viewer and user (ACC-2).</summary>
    Task<AccountSnapshot> ChangeMemberRoleAsync(Actor actor, ChangeMemberRole command, CancellationToken cancellationToken = default);

    /// <summary>Hands the primary-holder role, and so the billing contact, to another member (ACC-2).</summary>
    Task<AccountSnapshot> ChangeBillingContactAsync(Actor actor, ChangeBillingContact command, CancellationToken cancellationToken = default);

    /// <summary>Binds a sandbox account to an existing test clock before its first subscription starts (CLOCK-1).</summary>
    Task<AccountSnapshot> AttachTestClockAsync(Actor actor, AttachTestClock command, CancellationToken cancellationToken = default);




}

/// <summary>An account as callers see it: the domain account plus its subscriptions, invoices and unapplied credit.</summary>
[GenerateSerializer, Immutable, Alias("subscriptions.AccountSnapshot")]
public sealed record AccountSnapshot(
    [property: Id(0)] Account Account,
    [property: Id(1)] IReadOnlyList<string> SubscriptionIds,
    [property: Id(2)] IReadOnlyList<string> InvoiceNumbers,
    [property: Id(3)] Subscriptions.Domain.Money.Money UnappliedCredit);

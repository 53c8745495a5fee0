using Subscriptions.Domain.Accounts.Payments;

namespace Subscriptions.Domain.Accounts;

/// <summary>Saves a card by its gateway token, brand, last four digits and expiry (ACC-3).</summary>
public sealed record AddCard(string PaymentMethodId, CardBrand Brand, string GatewayToken, string Last4, int ExpiryMonth, int ExpiryYear) : AccountCommand;

/// <summary>Saves a bank account for direct debit / ACH by its gateway token (ACC-3).</summary>
public sealed record AddBankAccount(string PaymentMethodId, string GatewayToken, string BankName, string Last4) : AccountCommand;

/// <summary>Connects a PayPal wallet by its gateway token (ACC-3).</summary>
public sealed record AddPayPalWallet(string PaymentMethodId, string GatewayToken, string Email) : AccountCommand;

/// <summary>Removes a saved payment method; removing the default promotes another (ACC-3).</summary>
public sealed record RemovePaymentMethod(string PaymentMethodId) : AccountCommand;

/// <summary>Makes a saved payment method the default; an expired card cannot be (ACC-3).</summary>
public sealed record SetDefaultPaymentMethod(string PaymentMethodId) : AccountCommand;

/// <summary>Turns automatic payment of invoices with the default method on or off (ACC-3).</summary>
public sealed record SetAutopay(bool Enabled) : AccountCommand;

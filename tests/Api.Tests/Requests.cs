using Proto = Subscriptions.Grpc.Api.V1;

namespace Subscriptions.Api.Tests;

/// <summary>Valid requests to start from; tests change the field they are about.</summary>
public static class Requests
{
    private static int _counter;

    /// <summary>A fresh account id, unique in the test run.</summary>
    public static string NewAccountId(string prefix = "acc") => $"{prefix}-{Interlocked.Increment(ref _counter)}-{Guid.NewGuid().ToString("N")[..6]}";

    /// <summary>A fresh client request id (IDEM-1).</summary>
    public static string NewRequestId() => $"req-{Guid.NewGuid():N}";

    /// <summary>A self-service account held by <see cref="TestTokens.HolderOf"/>, billed from Illinois in <paramref name="currency"/>.</summary>
    public static Proto.CreateAccountRequest CreateAccount(string accountId, string currency = "USD") => new()
    {
        RequestId = NewRequestId(),
        AccountId = accountId,
        CompanyName = "Acme Widgets",
        PrimaryContact = new Proto.Contact { Name = "Ada Lovelace", Email = "ada@acme.example", Phone = "+1 217 555 0100" },
        BillingAddress = new Proto.PostalAddress { Line1 = "1 Main St", City = "Springfield", Region = "IL", PostalCode = "62701", Country = "US" },
        Currency = currency,
        Kind = Proto.AccountKind.SelfService,
        PrimaryHolderSubjectId = TestTokens.HolderOf(accountId),
    };

    /// <summary>A Visa card valid until 2030, with id "card-<paramref name="n"/>".</summary>
    public static Proto.AddCardRequest AddCard(string accountId, int n, Proto.CardBrand brand = Proto.CardBrand.Visa) => new()
    {
        RequestId = NewRequestId(),
        AccountId = accountId,
        PaymentMethodId = $"card-{n}",
        Brand = brand,
        GatewayToken = $"tok_card_{n}_{accountId}",
        Last4 = $"{4240 + n}",
        ExpiryMonth = 12,
        ExpiryYear = 2030,
    };

    /// <summary>A bank account with id "bank-<paramref name="n"/>".</summary>
    public static Proto.AddBankAccountRequest AddBankAccount(string accountId, int n) => new()
    {
        RequestId = NewRequestId(),
        AccountId = accountId,
        PaymentMethodId = $"bank-{n}",
        GatewayToken = $"tok_bank_{n}_{accountId}",
        BankName = "First Bank",
        Last4 = $"{1110 + n}",
    };

    /// <summary>Adds <paramref name="email"/> as an invoice recipient.</summary>
    public static Proto.AddInvoiceRecipientRequest AddRecipient(string accountId, string email) => new()
    {
        RequestId = NewRequestId(),
        AccountId = accountId,
        Email = email,
    };
}

using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using Subscriptions.Domain.Accounts;
using Subscriptions.Domain.Currencies;
using Proto = Subscriptions.Grpc.Api.V1;

namespace Subscriptions.Grpc.Api.Edge;

/// <summary>Maps the shared proto messages (common.proto, timestamps) to and from domain values.</summary>
internal static class CommonMapping
{
    /// <summary>A proto address as the domain command takes it; null stays null (the domain reports it as required).</summary>
    public static PostalAddress? ToDomain(Proto.PostalAddress? address) => address is null
        ? null
        : new PostalAddress(address.Line1, Blank(address.Line2), address.City, Blank(address.Region), address.PostalCode, address.Country);

    /// <summary>A proto contact as the domain takes it; null stays null.</summary>
    public static ContactPerson? ToDomain(Proto.Contact? contact) => contact is null
        ? null
        : new ContactPerson(contact.Name, contact.Email, contact.Phone);

    public static Proto.PostalAddress ToProto(PostalAddress address) => new()
    {
        Line1 = address.Line1,
        Line2 = address.Line2 ?? "",
        City = address.City,
        Region = address.Region ?? "",
        PostalCode = address.PostalCode,
        Country = address.Country,
    };

    public static Proto.Contact ToProto(ContactPerson contact) => new() { Name = contact.Name, Email = contact.Email, Phone = contact.Phone };

    /// <summary>
    /// Money as an exact decimal string in invariant culture, with at least the currency's minor-unit digits ("0.00" USD,
    /// "1200" JPY; an exact amount keeps its further digits), plus its currency code.
    /// </summary>
    public static Proto.Money ToProto(Money money) => new()
    {
        // Adding a zero of the currency's scale keeps the value and raises its scale to at least that many digits.
        Amount = (money.Amount + new decimal(0, 0, 0, false, (byte)money.Currency.MinorUnits)).ToString(CultureInfo.InvariantCulture),
        CurrencyCode = money.Currency.Code,
    };

    public static Timestamp ToProto(DateTimeOffset instant) => Timestamp.FromDateTimeOffset(instant);

    public static Timestamp? ToProto(DateTimeOffset? instant) => instant is { } value ? Timestamp.FromDateTimeOffset(value) : null;

    /// <summary>Null for an empty proto string (proto3 has no absent strings).</summary>
    public static string? Blank(string value) => string.IsNullOrWhiteSpace(value) ? null : value;
}

using System.Text;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;
using Subscriptions.Grpc.Api.Edge;

namespace Subscriptions.Fuzz;

/// <summary>
/// Values for request fields: the ids the setup made and values that field names suggest (currencies, countries,
/// postal codes, amounts…), next to hostile ones: empty strings, strings at and past their limit, random Unicode with
/// control characters, lone surrogates and bidirectional marks, integer extremes, undefined enum numbers, timestamps
/// outside years 0001–9999 or with nanos outside [0, 1e9). Every choice comes from the <see cref="Random"/> passed in.
/// </summary>
public sealed class FuzzValues
{
    private static readonly string[] Products = ["central", "pro", "meeting", "webinar", "training", "assist-v4", "assist-v5", "connect"];
    private static readonly string[] Plans = ["basic", "premium", "personal", "power-user", "small-business", "professional", "business", "lite", "standard", "pro", "enterprise", "remote-support", "phone-system"];
    private static readonly string[] Currencies = ["USD", "EUR", "GBP", "JPY", "CAD", "AUD", "CHF", "XXX", "usd", "US"];
    private static readonly string[] Countries = ["US", "GB", "DE", "FR", "CA", "AU", "JP", "CH", "IE", "NL", "ZZ", "gb", "USA"];
    private static readonly string[] PostalCodes = ["62701", "SW1A 1AA", "EC1A 1BB", "AB", "A", "1", "10115", "75001", "K1A 0B1", "2000", "100-0001", "8001", "D02 X285", "1012 AB", "00000-0000", "ABCDEFGHIJKLMNOPQRST"];
    private static readonly string[] Regions = ["IL", "CA", "NY", "ON", "QC", "NSW", "VIC", "ZZ", "Illinois", "England"];
    private static readonly string[] Emails = ["ada@acme.example", "a@b.example", "not-an-email", "@", "x@y", "müller@acme.example", "a@b@c.example", "a@b.example "];
    private static readonly string[] Phones = ["+14155550123", "+1 217 555 0100", "+", "0", "+999999999999999999999", "call me"];
    private static readonly string[] TimeZones = ["UTC", "America/Chicago", "Europe/London", "Asia/Kolkata", "Pacific/Kiritimati", "Etc/GMT+12", "Mars/Olympus", "+25:00", "local"];
    private static readonly string[] VatIds = ["GB123456789", "DE123456789", "FR12345678901", "XX", "GB", "123"];
    private static readonly string[] Amounts = ["0.01", "12.50", "1", "0", "-1", "-0.01", "0.001", "1e9", "NaN", "1,5", " 1", "1.", ".5", "79228162514264337593543950335", "79228162514264337593543950336", "99999999999999999999999999999.99", "0x10"];
    private static readonly string[] GatewayTokens = ["tok_visa", "tok_decline", "tok_insufficient", "tok_sca", "tok_sca_decline", "tok_transient", "tok_"];
    private static readonly string[] GrainTypes = ["account", "subscription", "invoice", "testclock", "Account", "grain", ""];
    private static readonly string[] States = ["dead", "pending", "delivered", "DEAD", "all"];
    private static readonly string[] PageTokens = ["0", "1", "-1", "abc", "99999999999999999999", "AAAAAAAAAAAAAAAA", "=="];
    private static readonly string[] Last4 = ["4242", "0000", "12345", "abcd", "42"];
    private static readonly string[] Oddities = ["\t", "\n", "\r\n", " ", "  padded  ", "null", "undefined", "0", "-1", "%s%n%x", "' OR '1'='1", "../../etc/passwd", "<script>alert(1)</script>", "{{7*7}}", "\\", "\"", "/", "*", "%00", "a/b"];

    // Code point ranges random Unicode text is drawn from: printable ASCII, controls, Latin, Greek and Cyrillic,
    // right-to-left scripts and bidirectional controls, zero-width characters, combining marks, CJK, emoji (surrogate
    // pairs), lone surrogates and noncharacters.
    private static readonly (int From, int To)[] Ranges =
    [
        (0x20, 0x7E), (0x20, 0x7E), (0x00, 0x1F), (0x7F, 0x9F), (0xA0, 0x24F), (0x370, 0x4FF), (0x5D0, 0x5EA), (0x621, 0x64A),
        (0x200B, 0x200F), (0x202A, 0x202E), (0x2066, 0x2069), (0x2028, 0x2029), (0xFEFF, 0xFEFF), (0x300, 0x36F),
        (0x4E00, 0x9FFF), (0x1F600, 0x1F64F), (0x1F900, 0x1F9FF), (0xD800, 0xDFFF), (0xFFFD, 0xFFFF),
    ];

    private readonly FuzzWorld _world;

    public FuzzValues(FuzzWorld world)
    {
        ArgumentNullException.ThrowIfNull(world);
        _world = world;
        AnyId = [.. world.Accounts.SelectMany(a => new[] { a.AccountId, a.Holder, a.Viewer, a.User, a.PaidSubscription, a.TrialSubscription, a.InvoiceNumber, a.PaymentMethodId }), world.ClockId];
    }

    /// <summary>Every id the setup made.</summary>
    public IReadOnlyList<string> AnyId { get; }

    /// <summary>
    /// A value for the string field <paramref name="field"/> (its name picks the pools), fresh request ids numbered from
    /// <paramref name="call"/>. <paramref name="plausible"/> (for mutations of valid requests) draws from the pools more
    /// often: values that look right for the field and may still be wrong for the request.
    /// </summary>
    public string StringValue(FieldDescriptor field, Random rng, long call, bool plausible = false)
    {
        ArgumentNullException.ThrowIfNull(field);
        ArgumentNullException.ThrowIfNull(rng);
        var name = field.Name;
        var pool = PoolFor(name, rng);
        if (pool.Count == 0)
        {
            pool = AnyId;
        }

        if (name == "request_id" && rng.Next(100) < 60)
        {
            return $"{_world.Prefix}-{call}-{rng.Next(1000)}";
        }

        if (plausible && rng.Next(100) < 40)
        {
            return rng.Next(3) == 0 ? Edited(Pick(pool, rng), rng) : Pick(pool, rng);
        }

        return rng.Next(100) switch
        {
            < 7 => "",
            < 35 => Pick(pool, rng),
            < 45 => Edited(Pick(pool, rng), rng),
            < 50 => Ascii(rng, rng.Next(1, 4)),
            < 57 => Ascii(rng, rng.Next(4, 17)),
            < 76 => Unicode(rng, Length(rng)),
            < 86 => AtLimit(FieldLimits.MaxLengthOf(name), rng),
            < 92 => Ascii(rng, rng.Next(257, 600)),
            _ => Pick(Oddities, rng),
        };
    }

    /// <summary>A value for an int32-like field: plausible small numbers for counts and dates, else extremes and random ones.</summary>
    public int Int32Value(FieldDescriptor field, Random rng)
    {
        ArgumentNullException.ThrowIfNull(field);
        ArgumentNullException.ThrowIfNull(rng);
        if (rng.Next(100) < 35)
        {
            return field.Name switch
            {
                "expiry_year" => rng.Next(2020, 2040),
                "expiry_month" => rng.Next(0, 14),
                "seats" or "page_size" or "attempt_number" or "contract_term_months" or "free_months" => rng.Next(0, 30),
                _ => rng.Next(0, 5),
            };
        }

        return rng.Next(12) switch
        {
            0 => 0,
            1 => 1,
            2 => -1,
            3 => int.MaxValue,
            4 => int.MinValue,
            5 => 1 << 30,
            6 => (1 << 30) + 1,
            7 => int.MaxValue - 1,
            8 => rng.Next(-1000, 1000),
            9 => 1_000_000,
            10 => -rng.Next(),
            _ => rng.Next(),
        };
    }

    /// <summary>A value for an int64-like field.</summary>
    public static long Int64Value(Random rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        return rng.Next(9) switch
        {
            0 => 0,
            1 => 1,
            2 => -1,
            3 => long.MaxValue,
            4 => long.MinValue,
            5 => int.MaxValue,
            6 => (long)int.MinValue - 1,
            7 => 1L << 53,
            _ => rng.NextInt64(long.MinValue, long.MaxValue),
        };
    }

    /// <summary>A number for an enum field: mostly a defined value, sometimes one the enum does not define.</summary>
    public static int EnumNumber(EnumDescriptor descriptor, Random rng)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        ArgumentNullException.ThrowIfNull(rng);
        if (rng.Next(100) < 75)
        {
            return descriptor.Values[rng.Next(descriptor.Values.Count)].Number;
        }

        var max = descriptor.Values.Max(v => v.Number);
        return rng.Next(5) switch
        {
            0 => -1,
            1 => max + 1,
            2 => 99,
            3 => int.MaxValue,
            _ => int.MinValue,
        };
    }

    /// <summary>
    /// A timestamp: ordinary ones around now, the extremes of the valid range (0001-01-01T00:00:00Z and
    /// 9999-12-31T23:59:59.999999999Z), seconds just outside it or anywhere in int64, nanos outside [0, 1e9).
    /// </summary>
    public static Timestamp TimestampValue(Random rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        const long MinSeconds = -62_135_596_800; // 0001-01-01T00:00:00Z
        const long MaxSeconds = 253_402_300_799; // 9999-12-31T23:59:59Z
        const long Now = 1_767_225_600; // 2026-01-01T00:00:00Z
        return rng.Next(14) switch
        {
            0 or 1 or 2 => new Timestamp { Seconds = Now + rng.Next(-400, 800) * 86_400L, Nanos = 0 },
            3 => new Timestamp { Seconds = MinSeconds, Nanos = 0 },
            4 => new Timestamp { Seconds = MaxSeconds, Nanos = 999_999_999 },
            5 => new Timestamp { Seconds = MinSeconds - 1, Nanos = 0 },
            6 => new Timestamp { Seconds = MaxSeconds + 1, Nanos = 0 },
            7 => new Timestamp { Seconds = rng.Next(2) == 0 ? long.MaxValue : long.MinValue, Nanos = 0 },
            8 => new Timestamp { Seconds = Now, Nanos = -1 },
            9 => new Timestamp { Seconds = Now, Nanos = 1_000_000_000 },
            10 => new Timestamp { Seconds = Now, Nanos = rng.Next(2) == 0 ? int.MaxValue : int.MinValue },
            11 => new Timestamp { Seconds = 0, Nanos = 0 },
            12 => new Timestamp { Seconds = MaxSeconds, Nanos = 0 },
            _ => new Timestamp { Seconds = rng.NextInt64(long.MinValue, long.MaxValue), Nanos = rng.Next(int.MinValue, int.MaxValue) },
        };
    }

    /// <summary>A duration, in or out of the range ±10,000 years, with nanos of either sign.</summary>
    public static Duration DurationValue(Random rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        return rng.Next(5) switch
        {
            0 => new Duration { Seconds = rng.Next(0, 100_000) },
            1 => new Duration { Seconds = 315_576_000_001 },
            2 => new Duration { Seconds = 1, Nanos = -1 },
            3 => new Duration { Seconds = long.MinValue, Nanos = int.MaxValue },
            _ => new Duration { Seconds = rng.NextInt64(long.MinValue, long.MaxValue), Nanos = rng.Next(int.MinValue, int.MaxValue) },
        };
    }

    /// <summary>Random text of <paramref name="length"/> UTF-16 code units from the hostile ranges.</summary>
    public static string Unicode(Random rng, int length)
    {
        ArgumentNullException.ThrowIfNull(rng);
        var text = new StringBuilder(length + 1);
        while (text.Length < length)
        {
            var (from, to) = Ranges[rng.Next(Ranges.Length)];
            var code = rng.Next(from, to + 1);
            if (code > 0xFFFF)
            {
                text.Append(char.ConvertFromUtf32(code));
            }
            else
            {
                text.Append((char)code);
            }
        }

        return text.ToString(0, length);
    }

    /// <summary>Random letters, digits and spaces, so no two long values share a run of characters.</summary>
    public static string Ascii(Random rng, int length)
    {
        ArgumentNullException.ThrowIfNull(rng);
        const string Alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -_.";
        var text = new char[length];
        for (var i = 0; i < length; i++)
        {
            text[i] = Alphabet[rng.Next(Alphabet.Length)];
        }

        return new string(text);
    }

    /// <summary>Random bytes.</summary>
    public static byte[] Bytes(Random rng, int length)
    {
        ArgumentNullException.ThrowIfNull(rng);
        var bytes = new byte[length];
        rng.NextBytes(bytes);
        return bytes;
    }

    public static T Pick<T>(IReadOnlyList<T> items, Random rng)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(rng);
        return items[rng.Next(items.Count)];
    }

    /// <summary>Mostly short, sometimes up to a few hundred.</summary>
    private static int Length(Random rng) => rng.Next(10) switch
    {
        < 5 => rng.Next(1, 12),
        < 8 => rng.Next(12, 80),
        _ => rng.Next(80, 400),
    };

    /// <summary>Exactly the limit, or one past it (most fields), in random letters.</summary>
    private static string AtLimit(int max, Random rng) => Ascii(rng, rng.Next(2) == 0 ? max : max + 1);

    /// <summary>A value edited: padded, upper case, a NUL or a right-to-left override appended, doubled, or cut short.</summary>
    private static string Edited(string value, Random rng) => rng.Next(9) switch
    {
        0 => value + " ",
        1 => " " + value,
        2 => value.ToUpperInvariant(),
        3 => value + "\0",
        4 => value + "/" + value,
        5 => value + "\u202E",
        6 => value.Length > 1 ? value[..^1] : value + value,
        _ => value.Length > 2 ? value[..rng.Next(1, 3)] : value + value,
    };

    private IReadOnlyList<string> PoolFor(string name, Random rng)
    {
        var accounts = _world.Accounts;
        return name switch
        {
            "account_id" => [.. accounts.Select(a => a.AccountId)],
            "subscription_id" => [.. accounts.SelectMany(a => new[] { a.PaidSubscription, a.TrialSubscription })],
            "invoice_number" => [.. accounts.Select(a => a.InvoiceNumber)],
            "payment_method_id" => [.. accounts.Select(a => a.PaymentMethodId), "card-2", "bank-1"],
            "clock_id" or "test_clock_id" => [_world.ClockId],
            "subject_id" or "primary_holder_subject_id" or "new_holder_subject_id" or "user_id" =>
                [.. accounts.SelectMany(a => new[] { a.Holder, a.Viewer, a.User }), _world.OpsSubject, _world.CustomerSubject],
            "product_id" => Products,
            "plan_id" => Plans,
            "currency" or "local_currency" or "currency_code" => Currencies,
            "country" => Countries,
            "postal_code" => PostalCodes,
            "region" => Regions,
            "email" => Emails,
            "phone" => Phones,
            "time_zone" => TimeZones,
            "vat_id" => VatIds,
            "amount" or "credit" or "exchange_rate" => Amounts,
            "gateway_token" or "one_time_card_token" => GatewayTokens,
            "grain_type" => GrainTypes,
            "grain_key" => [.. accounts.SelectMany(a => new[] { a.AccountId, $"{a.AccountId}/{a.PaidSubscription}", $"{a.AccountId}/{a.InvoiceNumber}" }), _world.ClockId, "/", "a/b/c"],
            "state" => States,
            "page_token" => PageTokens,
            "last4" => Last4,
            "request_id" => [$"{_world.Prefix}-setup-{Pick(accounts, rng).AccountId}-paid"],
            _ => [],
        };
    }
}

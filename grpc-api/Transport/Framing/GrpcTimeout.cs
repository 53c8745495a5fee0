using System.Globalization;

namespace Subscriptions.Grpc.Transport.Framing;

/// <summary>The grpc-timeout header: 1 to 8 ASCII digits and a unit, H M S m u n (PROTOCOL-HTTP2.md "Timeout").</summary>
internal static class GrpcTimeout
{
    private const long MaxAmount = 99_999_999;

    /// <summary>Parses a grpc-timeout value; false when it is malformed.</summary>
    public static bool TryParse(string? value, out TimeSpan timeout)
    {
        timeout = default;
        if (value is null || value.Length is < 2 or > 9)
        {
            return false;
        }

        var digits = value.AsSpan(0, value.Length - 1);
        foreach (var c in digits)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        var amount = long.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture);
        long? ticks = value[^1] switch
        {
            'H' => amount * TimeSpan.TicksPerHour,
            'M' => amount * TimeSpan.TicksPerMinute,
            'S' => amount * TimeSpan.TicksPerSecond,
            'm' => amount * TimeSpan.TicksPerMillisecond,
            'u' => amount * TimeSpan.TicksPerMicrosecond,
            'n' => (amount + 99) / 100, // a tick is 100 ns; round up so the deadline is never earlier than asked
            _ => null,
        };
        if (ticks is null)
        {
            return false;
        }

        timeout = TimeSpan.FromTicks(ticks.Value);
        return true;
    }

    /// <summary>Formats a timeout with the finest unit that fits in 8 digits, rounding up.</summary>
    public static string Format(TimeSpan timeout)
    {
        var ticks = Math.Max(0, timeout.Ticks);
        (long PerUnit, char Unit)[] units =
        [
            (TimeSpan.TicksPerMicrosecond, 'u'),
            (TimeSpan.TicksPerMillisecond, 'm'),
            (TimeSpan.TicksPerSecond, 'S'),
            (TimeSpan.TicksPerMinute, 'M'),
            (TimeSpan.TicksPerHour, 'H'),
        ];
        if (ticks <= MaxAmount / 100)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{ticks * 100}n");
        }

        foreach (var (perUnit, unit) in units)
        {
            var amount = (ticks / perUnit) + (ticks % perUnit == 0 ? 0 : 1);
            if (amount <= MaxAmount)
            {
                return string.Create(CultureInfo.InvariantCulture, $"{amount}{unit}");
            }
        }

        return string.Create(CultureInfo.InvariantCulture, $"{MaxAmount}H");
    }
}

using System.Globalization;
using Google.Protobuf.Reflection;

namespace Subscriptions.Fuzz;

/// <summary>
/// Request bodies that are not valid protobuf, or are valid only in odd ways, built from a valid body of the method's
/// request type: random bytes, truncation, varints longer than 10 bytes or cut short, a field sent with another wire
/// type, a length past the end or negative, invalid UTF-8 in a string field, tags with field number 0 or a reserved wire
/// type, unmatched and deeply nested groups, a corrupt nested message, a truncated fixed-width value, a bad packed list.
/// </summary>
public static class Malformed
{
    private static readonly byte[][] InvalidUtf8 =
    [
        [0xFF],
        [0xC0, 0xAF], // an overlong '/'
        [0xED, 0xA0, 0x80], // a surrogate encoded
        [0xC3], // a sequence cut short
        [0xF4, 0x90, 0x80, 0x80], // past U+10FFFF
        [0x80, 0x80],
        [0xE2, 0x82], // '€' cut short
    ];

    /// <summary>A corrupted body made from <paramref name="valid"/> (a body of <paramref name="descriptor"/>), what was done to it, and the kind of corruption.</summary>
    public static (byte[] Body, string Description, string Shape) Corrupt(byte[] valid, MessageDescriptor descriptor, Random rng)
    {
        ArgumentNullException.ThrowIfNull(valid);
        ArgumentNullException.ThrowIfNull(descriptor);
        ArgumentNullException.ThrowIfNull(rng);
        var fields = descriptor.Fields.InDeclarationOrder();
        var body = new List<byte>(valid);
        FieldDescriptor? Any(Func<FieldDescriptor, bool> which)
        {
            var matching = fields.Where(which).ToList();
            return matching.Count == 0 ? null : matching[rng.Next(matching.Count)];
        }

        switch (rng.Next(16))
        {
            case 0:
            {
                var bytes = FuzzValues.Bytes(rng, rng.Next(1, 65));
                return (bytes, $"{bytes.Length} random bytes", "random bytes");
            }

            case 1 when valid.Length >= 2:
            {
                var cut = rng.Next(1, valid.Length);
                return (valid[..cut], $"a valid body of {valid.Length} bytes cut to {cut}", "truncated body");
            }

            case 2:
            {
                var number = Any(f => WireType(f) == 0)?.FieldNumber ?? 1;
                Tag(body, number, 0);
                body.AddRange(Enumerable.Repeat((byte)0xFF, 10));
                body.Add(0x7F);
                return ([.. body], $"field {number} with an 11-byte varint", "varint over 10 bytes");
            }

            case 3:
            {
                var number = Any(f => WireType(f) == 0)?.FieldNumber ?? 1;
                Tag(body, number, 0);
                body.Add(0x80);
                body.Add(0x80);
                return ([.. body], $"field {number} with a varint cut at the end of the body", "varint cut short");
            }

            case 4 when fields.Count > 0:
            {
                var field = fields[rng.Next(fields.Count)];
                var expected = WireType(field);
                var sent = new[] { 0, 1, 2, 5 }.Where(w => w != expected).ElementAt(rng.Next(3));
                Tag(body, field.FieldNumber, sent);
                switch (sent)
                {
                    case 0: Varint(body, 1); break;
                    case 1: body.AddRange(FuzzValues.Bytes(rng, 8)); break;
                    case 2: Varint(body, 3); body.AddRange("abc"u8.ToArray()); break;
                    default: body.AddRange(FuzzValues.Bytes(rng, 4)); break;
                }

                return ([.. body], $"{field.Name} (field {field.FieldNumber}) sent with wire type {sent} instead of {expected}", "wrong wire type");
            }

            case 5:
            {
                var number = Any(f => WireType(f) == 2)?.FieldNumber ?? 1;
                var length = rng.Next(3) switch { 0 => 1000UL, 1 => (ulong)int.MaxValue, _ => uint.MaxValue + 1UL };
                Tag(body, number, 2);
                Varint(body, length);
                body.AddRange("abc"u8.ToArray());
                return ([.. body], $"field {number} with length {length.ToString(CultureInfo.InvariantCulture)} and 3 bytes left", "length past the end");
            }

            case 6:
            {
                var number = Any(f => WireType(f) == 2)?.FieldNumber ?? 1;
                Tag(body, number, 2);
                Varint(body, ulong.MaxValue);
                body.AddRange("abc"u8.ToArray());
                return ([.. body], $"field {number} with a negative length", "negative length");
            }

            case 7:
            {
                var field = Any(f => f.FieldType == FieldType.String);
                if (field is null)
                {
                    goto default;
                }

                var bad = InvalidUtf8[rng.Next(InvalidUtf8.Length)];
                byte[] text = [.. "ok"u8.ToArray(), .. bad, .. "ok"u8.ToArray()];
                Tag(body, field.FieldNumber, 2);
                Varint(body, (ulong)text.Length);
                body.AddRange(text);
                return ([.. body], $"{field.Name} with invalid UTF-8 ({Convert.ToHexString(bad)})", "invalid UTF-8 in a string");
            }

            case 8:
            {
                var (tag, what) = rng.Next(4) switch
                {
                    0 => (0UL, "field number 0"),
                    1 => ((1UL << 3) | 6, "wire type 6"),
                    2 => ((1UL << 3) | 7, "wire type 7"),
                    _ => (((1UL << 29) + 5) << 3, "field number past 2^29-1"),
                };
                Varint(body, tag);
                body.Add(0x01);
                return ([.. body], $"a tag with {what}", "bad tag");
            }

            case 9:
                Tag(body, 99, 4);
                return ([.. body], "an end-group tag with no start", "unmatched end-group");

            case 10:
                Tag(body, 99, 3);
                Tag(body, 1, 0);
                body.Add(0x01);
                return ([.. body], "a start-group tag never ended", "unterminated group");

            case 11:
            {
                var depth = rng.Next(101, 400);
                for (var i = 0; i < depth; i++)
                {
                    Tag(body, 99, 3);
                }

                for (var i = 0; i < depth; i++)
                {
                    Tag(body, 99, 4);
                }

                return ([.. body], $"unknown groups nested {depth} deep", "groups nested past the recursion limit");
            }

            case 12:
            {
                var field = Any(f => f.FieldType == FieldType.Message && !f.IsMap);
                if (field is null)
                {
                    goto default;
                }

                byte[] inner = [0x08, 0xFF, 0xFF]; // field 1 with a varint cut short
                Tag(body, field.FieldNumber, 2);
                Varint(body, (ulong)inner.Length);
                body.AddRange(inner);
                return ([.. body], $"{field.Name} holding a varint cut short", "corrupt nested message");
            }

            case 13:
            {
                var number = Any(f => WireType(f) == 1)?.FieldNumber ?? 15;
                Tag(body, number, 1);
                body.AddRange(FuzzValues.Bytes(rng, 3));
                return ([.. body], $"field {number} with a fixed64 of 3 bytes", "truncated fixed64");
            }

            case 14:
            {
                var field = Any(f => f.IsRepeated && f.FieldType is FieldType.Enum or FieldType.Int32 or FieldType.Int64);
                if (field is null)
                {
                    goto default;
                }

                Tag(body, field.FieldNumber, 2);
                Varint(body, 3);
                body.AddRange([0xFF, 0xFF, 0xFF]);
                return ([.. body], $"packed {field.Name} ending inside a varint", "packed list cut short");
            }

            default:
            {
                var bytes = FuzzValues.Bytes(rng, rng.Next(1, 65));
                return (bytes, $"{bytes.Length} random bytes", "random bytes");
            }
        }
    }

    /// <summary>The wire type a field is sent with (packable repeated scalars as packed).</summary>
    public static int WireType(FieldDescriptor field)
    {
        ArgumentNullException.ThrowIfNull(field);
        if (field.IsRepeated && field.IsPacked)
        {
            return 2;
        }

        return field.FieldType switch
        {
            FieldType.String or FieldType.Bytes or FieldType.Message => 2,
            FieldType.Double or FieldType.Fixed64 or FieldType.SFixed64 => 1,
            FieldType.Float or FieldType.Fixed32 or FieldType.SFixed32 => 5,
            FieldType.Group => 3,
            _ => 0,
        };
    }

    public static void Varint(List<byte> bytes, ulong value)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        while (value >= 0x80)
        {
            bytes.Add((byte)(value | 0x80));
            value >>= 7;
        }

        bytes.Add((byte)value);
    }

    public static void Tag(List<byte> bytes, int field, int wireType) => Varint(bytes, ((ulong)(uint)field << 3) | (uint)wireType);
}

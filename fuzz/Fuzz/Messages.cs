using System.Collections;
using System.Globalization;
using System.Text;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;

namespace Subscriptions.Fuzz;

/// <summary>
/// Builds well-typed random messages by walking a <see cref="MessageDescriptor"/>'s fields, mutates given messages,
/// lists the strings a message carries and describes a message in one short line.
/// </summary>
public sealed class Messages(FuzzValues values)
{
    private const int MaxDepth = 4;

    /// <summary>A message of type <paramref name="descriptor"/> with random fields set to random values of their types.</summary>
    public IMessage RandomMessage(MessageDescriptor descriptor, Random rng, long call, int depth = 0)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        ArgumentNullException.ThrowIfNull(rng);
        var message = New(descriptor);
        foreach (var field in descriptor.Fields.InDeclarationOrder())
        {
            // About a third of the fields keep their default, as clients leave them.
            if (rng.Next(100) < 30)
            {
                continue;
            }

            Fill(message, field, rng, call, depth);
        }

        return message;
    }

    /// <summary>
    /// A copy of <paramref name="template"/> with one to three fields, top-level or nested, replaced by random values
    /// of their types (or cleared); <paramref name="changes"/> says which, as "seats=2147483647", and
    /// <paramref name="fields"/> names them, as "seats".
    /// </summary>
    public IMessage Mutate(IMessage template, Random rng, long call, out string changes, out string fields)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(rng);
        var message = template.Descriptor.Parser.ParseFrom(template.ToByteString());
        var paths = Paths(template.Descriptor, 0).ToList();
        var count = Math.Min(paths.Count, rng.Next(10) switch { < 6 => 1, < 9 => 2, _ => 3 });
        var described = new List<string>();
        var names = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var path in paths.OrderBy(_ => rng.Next()).Take(count).ToList())
        {
            var parent = message;
            for (var i = 0; i < path.Count - 1; i++)
            {
                var nested = (IMessage?)path[i].Accessor.GetValue(parent);
                if (nested is null)
                {
                    nested = New(path[i].MessageType);
                    path[i].Accessor.SetValue(parent, nested);
                }

                parent = nested;
            }

            var field = path[^1];
            var name = string.Join('.', path.Select(f => f.Name));
            names.Add(name);
            if (field.FieldType == FieldType.Message && !field.IsRepeated && rng.Next(4) == 0)
            {
                field.Accessor.Clear(parent);
                described.Add($"{name} cleared");
                continue;
            }

            field.Accessor.Clear(parent);
            Fill(parent, field, rng, call, depth: path.Count, plausible: true);
            described.Add($"{name}={Value(field, field.Accessor.GetValue(parent))}");
        }

        changes = string.Join(", ", described);
        fields = string.Join(", ", names);
        return message;
    }

    /// <summary>Every string the message carries, nested messages and repeated fields included.</summary>
    public static IEnumerable<string> Strings(IMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        foreach (var field in message.Descriptor.Fields.InDeclarationOrder())
        {
            var value = field.Accessor.GetValue(message);
            if (value is null)
            {
                continue;
            }

            if (value is IDictionary map)
            {
                foreach (DictionaryEntry entry in map)
                {
                    foreach (var item in new[] { entry.Key, entry.Value })
                    {
                        if (item is string text && text.Length > 0)
                        {
                            yield return text;
                        }
                    }
                }

                continue;
            }

            var items = field.IsRepeated ? ((IEnumerable)value).Cast<object>() : [value];
            foreach (var item in items)
            {
                if (item is string text && text.Length > 0)
                {
                    yield return text;
                }
                else if (item is IMessage nested)
                {
                    foreach (var inner in Strings(nested))
                    {
                        yield return inner;
                    }
                }
            }
        }
    }

    /// <summary>The set fields of <paramref name="message"/> in one line, long strings cut: <c>{account_id="fz1-acct-1", seats=-1}</c>.</summary>
    public static string Describe(IMessage message, int max = 400)
    {
        ArgumentNullException.ThrowIfNull(message);
        var text = DescribeMessage(message);
        return text.Length <= max ? text : string.Concat(text.AsSpan(0, max - 1), "…");
    }

    /// <summary>A value as <see cref="Describe"/> shows it.</summary>
    public static string Value(FieldDescriptor field, object? value)
    {
        ArgumentNullException.ThrowIfNull(field);
        return value switch
        {
            null => "(unset)",
            string text => Quote(text),
            Timestamp t => $"{{seconds:{t.Seconds} nanos:{t.Nanos}}}",
            Duration d => $"{{seconds:{d.Seconds} nanos:{d.Nanos}}}",
            IMessage nested => DescribeMessage(nested),
            ByteString bytes => $"bytes[{bytes.Length}]",
            bool b => b ? "true" : "false",
            System.Enum e => EnumName(field, Convert.ToInt32(e, CultureInfo.InvariantCulture)),
            IEnumerable list => "[" + string.Join(", ", list.Cast<object>().Select(v => Value(field, v))) + "]",
            IFormattable number => number.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString() ?? "",
        };
    }

    /// <summary>A string in double quotes with control, format and surrogate characters escaped, cut to 24 characters with its length when longer.</summary>
    public static string Quote(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        const int Shown = 24;
        var builder = new StringBuilder("\"");
        foreach (var c in text.Length > Shown ? text[..Shown] : text)
        {
            var category = char.GetUnicodeCategory(c);
            if (c is '"' or '\\')
            {
                builder.Append('\\').Append(c);
            }
            else if (c < 0x20 || c == 0x7F || char.IsSurrogate(c) || category is UnicodeCategory.Control or UnicodeCategory.Format
                     or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator or UnicodeCategory.NonSpacingMark or UnicodeCategory.OtherNotAssigned)
            {
                builder.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}");
            }
            else
            {
                builder.Append(c);
            }
        }

        builder.Append('"');
        if (text.Length > Shown)
        {
            builder.Append(CultureInfo.InvariantCulture, $"…({text.Length} chars)");
        }

        return builder.ToString();
    }

    private static string DescribeMessage(IMessage message)
    {
        switch (message)
        {
            case Timestamp t:
                return $"{{seconds:{t.Seconds} nanos:{t.Nanos}}}";
            case Duration d:
                return $"{{seconds:{d.Seconds} nanos:{d.Nanos}}}";
        }

        var parts = new List<string>();
        foreach (var field in message.Descriptor.Fields.InDeclarationOrder())
        {
            var value = field.Accessor.GetValue(message);
            var set = value switch
            {
                null => false,
                string s => s.Length > 0,
                ByteString b => b.Length > 0,
                IMessage => true,
                IEnumerable list => list.Cast<object>().Any(),
                bool b => b,
                System.Enum e => Convert.ToInt32(e, CultureInfo.InvariantCulture) != 0,
                IConvertible number => number.ToDouble(CultureInfo.InvariantCulture) != 0,
                _ => true,
            };
            if (set)
            {
                parts.Add($"{field.Name}={Value(field, value)}");
            }
        }

        return "{" + string.Join(", ", parts) + "}";
    }

    private static string EnumName(FieldDescriptor field, int number) =>
        field.EnumType.FindValueByNumber(number)?.Name ?? number.ToString(CultureInfo.InvariantCulture) + " (undefined)";

    private static IMessage New(MessageDescriptor descriptor) =>
        (IMessage)Activator.CreateInstance(descriptor.ClrType)!;

    /// <summary>Paths to every field, and into nested messages two levels down (a timestamp is one value).</summary>
    private static IEnumerable<IReadOnlyList<FieldDescriptor>> Paths(MessageDescriptor descriptor, int depth)
    {
        foreach (var field in descriptor.Fields.InDeclarationOrder())
        {
            yield return [field];
            if (field.FieldType == FieldType.Message && !field.IsRepeated && !field.IsMap && depth < 1 && !IsWellKnown(field.MessageType))
            {
                foreach (var inner in Paths(field.MessageType, depth + 1))
                {
                    yield return [field, .. inner];
                }
            }
        }
    }

    private static bool IsWellKnown(MessageDescriptor descriptor) =>
        descriptor.FullName is "google.protobuf.Timestamp" or "google.protobuf.Duration";

    private void Fill(IMessage message, FieldDescriptor field, Random rng, long call, int depth, bool plausible = false)
    {
        if (field.IsMap)
        {
            var map = (IDictionary)field.Accessor.GetValue(message);
            var key = field.MessageType.FindFieldByNumber(1);
            var value = field.MessageType.FindFieldByNumber(2);
            for (var i = rng.Next(3); i > 0; i--)
            {
                var k = Single(key, rng, call, depth, plausible);
                var v = Single(value, rng, call, depth, plausible);
                if (k is not null && v is not null)
                {
                    map[k] = v;
                }
            }

            return;
        }

        if (field.IsRepeated)
        {
            var list = (IList)field.Accessor.GetValue(message);
            var count = rng.Next(10) switch { < 5 => 0, < 9 => rng.Next(1, 4), _ => rng.Next(4, 21) };
            for (var i = 0; i < count; i++)
            {
                if (Single(field, rng, call, depth, plausible) is { } item)
                {
                    list.Add(item);
                }
            }

            return;
        }

        var single = Single(field, rng, call, depth, plausible);
        if (single is null)
        {
            field.Accessor.Clear(message);
        }
        else
        {
            field.Accessor.SetValue(message, single);
        }
    }

    private object? Single(FieldDescriptor field, Random rng, long call, int depth, bool plausible) => field.FieldType switch
    {
        FieldType.String => values.StringValue(field, rng, call, plausible),
        FieldType.Bytes => ByteString.CopyFrom(FuzzValues.Bytes(rng, rng.Next(0, 64))),
        FieldType.Bool => rng.Next(2) == 0,
        FieldType.Int32 or FieldType.SInt32 or FieldType.SFixed32 => values.Int32Value(field, rng),
        FieldType.UInt32 or FieldType.Fixed32 => unchecked((uint)values.Int32Value(field, rng)),
        FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64 => FuzzValues.Int64Value(rng),
        FieldType.UInt64 or FieldType.Fixed64 => unchecked((ulong)FuzzValues.Int64Value(rng)),
        FieldType.Double => rng.Next(4) switch { 0 => double.NaN, 1 => double.PositiveInfinity, 2 => -0.0, _ => (rng.NextDouble() - 0.5) * 1e12 },
        FieldType.Float => rng.Next(3) switch { 0 => float.NaN, 1 => float.MaxValue, _ => (float)rng.NextDouble() },
        FieldType.Enum => System.Enum.ToObject(field.EnumType.ClrType, FuzzValues.EnumNumber(field.EnumType, rng)),
        FieldType.Message when field.MessageType.FullName == "google.protobuf.Timestamp" => FuzzValues.TimestampValue(rng),
        FieldType.Message when field.MessageType.FullName == "google.protobuf.Duration" => FuzzValues.DurationValue(rng),
        FieldType.Message => depth >= MaxDepth ? null : RandomMessage(field.MessageType, rng, call, depth + 1),
        _ => null,
    };
}

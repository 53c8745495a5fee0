using System.Collections;
using System.Text;

namespace Subscriptions.Grpc.Transport;

/// <summary>gRPC metadata (headers or trailers): ASCII entries, and binary entries whose key ends in "-bin".</summary>
public sealed class Metadata : IEnumerable<Metadata.Entry>
{
    /// <summary>Suffix that marks a binary entry; its value travels base64-encoded.</summary>
    public const string BinarySuffix = "-bin";

    /// <summary>The one reserved key applications may set: the google.rpc.Status details of an error.</summary>
    public const string StatusDetailsKey = "grpc-status-details-bin";

    private readonly List<Entry> _entries = [];

    /// <summary>Number of entries.</summary>
    public int Count => _entries.Count;

    /// <summary>Adds an ASCII entry; the key is lower-cased and must not end in "-bin".</summary>
    public void Add(string key, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var normalized = NormalizeKey(key);
        if (IsBinaryKey(normalized))
        {
            throw new ArgumentException($"Metadata key \"{normalized}\" ends in \"{BinarySuffix}\" and needs a byte[] value.", nameof(key));
        }

        foreach (var c in value)
        {
            if (c is < ' ' or > '~')
            {
                throw new ArgumentException($"Metadata value for key \"{normalized}\" must be printable ASCII (0x20-0x7E).", nameof(value));
            }
        }

        _entries.Add(new Entry(normalized, value, null));
    }

    /// <summary>Adds a binary entry; the key is lower-cased and must end in "-bin" ("grpc-status-details-bin" is allowed).</summary>
    public void Add(string key, byte[] value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var normalized = NormalizeKey(key);
        if (!IsBinaryKey(normalized))
        {
            throw new ArgumentException($"Metadata key \"{normalized}\" has a binary value and must end in \"{BinarySuffix}\".", nameof(key));
        }

        _entries.Add(new Entry(normalized, null, value.ToArray()));
    }

    /// <summary>Adds an entry received on the wire, keeping its key as sent (reserved "grpc-" keys included).</summary>
    internal void AddReceived(string key, string value)
    {
        if (IsBinaryKey(key))
        {
            _entries.Add(new Entry(key, null, DecodeBase64(key, value)));
        }
        else
        {
            _entries.Add(new Entry(key, value, null));
        }
    }

    /// <summary>The last ASCII value stored under the key, or null.</summary>
    public string? GetValue(string key)
    {
        var normalized = key.ToLowerInvariant();
        return _entries.LastOrDefault(e => e.Key == normalized && !e.IsBinary)?.Value;
    }

    /// <summary>The last binary value stored under the key, or null.</summary>
    public byte[]? GetValueBytes(string key)
    {
        var normalized = key.ToLowerInvariant();
        return _entries.LastOrDefault(e => e.Key == normalized && e.IsBinary)?.ValueBytes.ToArray();
    }

    /// <summary>Every value stored under the key, in order, as ASCII strings (binary values base64-encoded).</summary>
    public IReadOnlyList<string> GetAll(string key)
    {
        var normalized = key.ToLowerInvariant();
        return [.. _entries.Where(e => e.Key == normalized).Select(e => e.ToHeaderValue())];
    }

    /// <summary>True when the key names a binary entry.</summary>
    public static bool IsBinaryKey(string key) => key.EndsWith(BinarySuffix, StringComparison.OrdinalIgnoreCase);

    /// <inheritdoc />
    public IEnumerator<Entry> GetEnumerator() => _entries.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    // Binary values are base64, with or without padding (PROTOCOL-HTTP2.md: "implementations MUST accept padded and un-padded values").
    private static byte[] DecodeBase64(string key, string value)
    {
        var trimmed = value.Trim();
        var padded = (trimmed.Length % 4) switch
        {
            2 => trimmed + "==",
            3 => trimmed + "=",
            _ => trimmed,
        };
        try
        {
            return Convert.FromBase64String(padded);
        }
        catch (FormatException exception)
        {
            throw new FormatException($"Binary metadata \"{key}\" is not valid base64.", exception);
        }
    }

    private static string NormalizeKey(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        var normalized = key.ToLowerInvariant();
        foreach (var c in normalized)
        {
            if (c is not ((>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_' or '.'))
            {
                throw new ArgumentException($"Metadata key \"{key}\" may only contain 0-9, a-z, '-', '_' and '.'.", nameof(key));
            }
        }

        if (normalized.StartsWith("grpc-", StringComparison.Ordinal) && normalized != StatusDetailsKey)
        {
            throw new ArgumentException($"Metadata key \"{key}\" is reserved: keys starting with \"grpc-\" belong to the protocol.", nameof(key));
        }

        return normalized;
    }

    /// <summary>One metadata entry: an ASCII value, or binary bytes when the key ends in "-bin".</summary>
    public sealed class Entry
    {
        private readonly byte[]? _bytes;

        internal Entry(string key, string? value, byte[]? bytes)
        {
            Key = key;
            Value = value;
            _bytes = bytes;
        }

        /// <summary>The lower-case key.</summary>
        public string Key { get; }

        /// <summary>The ASCII value, or null for a binary entry.</summary>
        public string? Value { get; }

        /// <summary>True when the entry is binary ("-bin" key).</summary>
        public bool IsBinary => _bytes is not null;

        /// <summary>The binary value, or the ASCII value's bytes.</summary>
        public ReadOnlyMemory<byte> ValueBytes => _bytes ?? Encoding.ASCII.GetBytes(Value ?? string.Empty);

        /// <summary>The value as it travels in an HTTP/2 header: binary values base64-encoded.</summary>
        public string ToHeaderValue() => _bytes is null ? Value ?? string.Empty : Convert.ToBase64String(_bytes);

        /// <inheritdoc />
        public override string ToString() => $"{Key}: {ToHeaderValue()}";
    }
}

using Google.Protobuf.Reflection;

namespace Subscriptions.Grpc.Transport.Reflection;

/// <summary>The registered services' proto files and their transitive dependencies, indexed by file name, symbol and extension.</summary>
internal sealed class DescriptorIndex
{
    private readonly Dictionary<string, FileDescriptor> _files = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FileDescriptor> _symbols = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<int, FileDescriptor>> _extensions = new(StringComparer.Ordinal);
    private readonly HashSet<string> _messageTypes = new(StringComparer.Ordinal);

    /// <summary>Indexes the services' files.</summary>
    public DescriptorIndex(IEnumerable<ServiceDescriptor> services)
    {
        ServiceNames = [.. services.Select(s => s.FullName).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        foreach (var service in services)
        {
            AddFile(service.File);
        }
    }

    /// <summary>Full names of the services, sorted.</summary>
    public IReadOnlyList<string> ServiceNames { get; }

    /// <summary>The file with this name, or null.</summary>
    public FileDescriptor? FindFile(string name) => _files.GetValueOrDefault(name);

    /// <summary>The file declaring a service, method, message, enum, field or extension by full name, or null.</summary>
    public FileDescriptor? FindFileContainingSymbol(string symbol) => _symbols.GetValueOrDefault(symbol);

    /// <summary>The file declaring the extension of the message type with the field number, or null.</summary>
    public FileDescriptor? FindFileContainingExtension(string containingType, int number) =>
        _extensions.GetValueOrDefault(containingType)?.GetValueOrDefault(number);

    /// <summary>The extension numbers of a known message type (possibly none), or null when the type is unknown.</summary>
    public IReadOnlyList<int>? ExtensionNumbersOf(string messageType)
    {
        if (!_messageTypes.Contains(messageType))
        {
            return null;
        }

        return _extensions.TryGetValue(messageType, out var numbers) ? [.. numbers.Keys.Order()] : [];
    }

    /// <summary>The file followed by its transitive dependencies, each once, dependencies after the files that import them.</summary>
    public static IReadOnlyList<FileDescriptor> WithDependencies(FileDescriptor file)
    {
        var ordered = new List<FileDescriptor>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Queue<FileDescriptor>([file]);
        while (pending.TryDequeue(out var next))
        {
            if (seen.Add(next.Name))
            {
                ordered.Add(next);
                foreach (var dependency in next.Dependencies)
                {
                    pending.Enqueue(dependency);
                }
            }
        }

        return ordered;
    }

    private void AddFile(FileDescriptor file)
    {
        if (!_files.TryAdd(file.Name, file))
        {
            return;
        }

        foreach (var dependency in file.Dependencies)
        {
            AddFile(dependency);
        }

        foreach (var service in file.Services)
        {
            AddSymbol(service.FullName, file);
            foreach (var method in service.Methods)
            {
                AddSymbol(method.FullName, file);
            }
        }

        foreach (var message in file.MessageTypes)
        {
            AddMessage(message, file);
        }

        foreach (var enumType in file.EnumTypes)
        {
            AddSymbol(enumType.FullName, file);
        }

        AddExtensions(file.Extensions.UnorderedExtensions, file);
    }

    private void AddMessage(MessageDescriptor message, FileDescriptor file)
    {
        AddSymbol(message.FullName, file);
        _messageTypes.Add(message.FullName);
        foreach (var field in message.Fields.InDeclarationOrder())
        {
            AddSymbol(field.FullName, file);
        }

        foreach (var nested in message.NestedTypes)
        {
            AddMessage(nested, file);
        }

        foreach (var enumType in message.EnumTypes)
        {
            AddSymbol(enumType.FullName, file);
        }

        AddExtensions(message.Extensions.UnorderedExtensions, file);
    }

    private void AddExtensions(IEnumerable<FieldDescriptor> extensions, FileDescriptor file)
    {
        foreach (var extension in extensions)
        {
            AddSymbol(extension.FullName, file);
            var byNumber = _extensions.TryGetValue(extension.ExtendeeType.FullName, out var known)
                ? known
                : _extensions[extension.ExtendeeType.FullName] = [];
            byNumber.TryAdd(extension.FieldNumber, file);
        }
    }

    private void AddSymbol(string fullName, FileDescriptor file) => _symbols.TryAdd(fullName, file);
}

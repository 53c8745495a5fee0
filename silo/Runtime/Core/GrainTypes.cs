using System.Reflection;
using Microsoft.Extensions.DependencyInjection;

namespace Subscriptions.Runtime;

/// <summary>The grain classes a silo hosts, by interface and by type name.</summary>
public sealed class GrainTypeRegistry
{
    private readonly Dictionary<Type, GrainTypeInfo> byInterface = [];
    private readonly Dictionary<string, GrainTypeInfo> byName = new(StringComparer.Ordinal);

    /// <summary>Registers <typeparamref name="TGrain"/> as the implementation of <typeparamref name="TInterface"/>.</summary>
    public GrainTypeRegistry Add<TInterface, TGrain>()
        where TInterface : IGrainWithStringKey
        where TGrain : Grain, TInterface
    {
        var implementation = typeof(TGrain);
        var name = implementation.GetCustomAttribute<GrainTypeAttribute>()?.Name ?? DefaultName(implementation);
        foreach (var method in typeof(TInterface).GetMethods())
        {
            if (method.ReturnType != typeof(Task) && !(method.ReturnType.IsGenericType && method.ReturnType.GetGenericTypeDefinition() == typeof(Task<>)))
            {
                throw new ArgumentException($"Grain interface method {typeof(TInterface).Name}.{method.Name} must return Task or Task<T>.", nameof(TInterface));
            }
        }

        if (byName.ContainsKey(name))
        {
            throw new ArgumentException($"Grain type name \"{name}\" is registered twice.", nameof(TGrain));
        }

        var info = new GrainTypeInfo(name, typeof(TInterface), implementation, ActivatorUtilities.CreateFactory(implementation, Type.EmptyTypes));
        byInterface[typeof(TInterface)] = info;
        byName[name] = info;
        return this;
    }

    internal GrainTypeInfo Get(Type grainInterface) =>
        byInterface.TryGetValue(grainInterface, out var info)
            ? info
            : throw new ArgumentException($"No grain class is registered for {grainInterface.Name}.", nameof(grainInterface));

    internal GrainTypeInfo Get(string typeName) =>
        byName.TryGetValue(typeName, out var info)
            ? info
            : throw new ArgumentException($"No grain type named \"{typeName}\" is registered.", nameof(typeName));

    internal IEnumerable<GrainTypeInfo> All => byName.Values;

    private static string DefaultName(Type implementation)
    {
        var name = implementation.Name;
        return (name.EndsWith("Grain", StringComparison.Ordinal) && name.Length > 5 ? name[..^5] : name).ToLowerInvariant();
    }
}

/// <summary>One registered grain class.</summary>
internal sealed record GrainTypeInfo(string Name, Type InterfaceType, Type ImplementationType, ObjectFactory Factory)
{
    public Grain Create(IServiceProvider services) => (Grain)Factory(services, null);
}

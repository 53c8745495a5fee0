using System.Collections.Concurrent;
using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Serialization.Cloning;
using Subscriptions.Domain;

namespace Subscriptions.Grains;

/// <summary>How this service's types cross grain calls, for silos and clients alike.</summary>
public static class SubscriptionsSerialization
{
    private static readonly ConcurrentDictionary<Type, bool> DeeplyImmutableTypes = new();

    /// <summary>
    /// Domain values (accounts, subscriptions, commands, money, periods, payment methods…) go through Orleans'
    /// System.Text.Json codec with the domain's JSON contract (<see cref="DomainJson"/>), the one their state is stored
    /// with; contract types and refusals have generated serializers (see <c>DomainExceptionCodecs</c>). A call between
    /// grains of one silo copies its arguments and answer: a deeply immutable domain value (<see cref="IsDeeplyImmutable(Type)"/>)
    /// is passed as it is, any other through a JSON round trip.
    /// </summary>
    public static ISerializerBuilder AddSubscriptionsSerializers(this ISerializerBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var json = DomainJson.Create();
        builder.AddJsonSerializer(IsDomainValue, isCopyable: null, codec => codec.Configure(options => options.SerializerOptions = json));
        builder.Services.AddSingleton<IGeneralizedCopier, DomainValueCopier>();
        return builder;
    }

    /// <summary>True for the domain's value types (not its exceptions, which have surrogates).</summary>
    public static bool IsDomainValue(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return type.Namespace?.StartsWith("Subscriptions.Domain", StringComparison.Ordinal) == true
            && !typeof(Exception).IsAssignableFrom(type)
            && type.Assembly == typeof(DomainJson).Assembly;
    }

    /// <summary>
    /// True for a domain value no one can change once built: a sealed record or a struct whose every field, its bases'
    /// included, is read-only and holds such a value, a string, a number, an enum or a time. A collection is not one
    /// (an <see cref="IReadOnlyList{T}"/> may be a list its builder still holds), nor is a type another may derive from.
    /// </summary>
    public static bool IsDeeplyImmutable(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return DeeplyImmutableTypes.GetOrAdd(type, t => IsDeeplyImmutable(t, []));
    }

    private static bool IsDeeplyImmutable(Type type, HashSet<Type> visiting)
    {
        if (type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(DateTime)
            || type == typeof(DateTimeOffset) || type == typeof(TimeSpan) || type == typeof(DateOnly) || type == typeof(Guid))
        {
            return true;
        }

        if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            return IsDeeplyImmutable(underlying, visiting);
        }

        // A type met again while its own fields are being checked refers to itself: counted as not immutable, to be safe.
        if (!IsDomainValue(type) || !(type.IsSealed || type.IsValueType) || !visiting.Add(type))
        {
            return false;
        }

        try
        {
            for (var declaring = type; declaring is not null && declaring != typeof(object) && declaring != typeof(ValueType); declaring = declaring.BaseType)
            {
                foreach (var field in declaring.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
                {
                    if (!field.IsInitOnly || !IsDeeplyImmutable(field.FieldType, visiting))
                    {
                        return false;
                    }
                }
            }

            return true;
        }
        finally
        {
            visiting.Remove(type);
        }
    }

    /// <summary>
    /// Copies a domain value for a call between grains of one silo: one whose type is deeply immutable is passed as it is
    /// (no copy of it could differ from it), any other is copied through the JSON codec. The type looked at is the
    /// value's own, so a command declared as its abstract base is passed as it is too.
    /// </summary>
    private sealed class DomainValueCopier(JsonCodec json) : IGeneralizedCopier
    {
        public bool IsSupportedType(Type type) => IsDomainValue(type);

        public object? DeepCopy(object? input, CopyContext context) =>
            input is null || IsDeeplyImmutable(input.GetType()) ? input : ((IDeepCopier)json).DeepCopy(input, context);
    }
}

using Orleans.Serialization;
using Subscriptions.Domain;

namespace Subscriptions.Grains;

/// <summary>How this service's types cross grain calls, for silos and clients alike.</summary>
public static class SubscriptionsSerialization
{
    /// <summary>
    /// Domain values (accounts, subscriptions, commands, money, periods, payment methods…) go through Orleans'
    /// System.Text.Json codec with the domain's JSON contract (<see cref="DomainJson"/>), the one their state is stored
    /// with; contract types and refusals have generated serializers (see <c>DomainExceptionCodecs</c>).
    /// </summary>
    public static ISerializerBuilder AddSubscriptionsSerializers(this ISerializerBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddJsonSerializer(IsDomainValue, DomainJson.Create());
    }

    /// <summary>True for the domain's value types (not its exceptions, which have surrogates).</summary>
    public static bool IsDomainValue(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return type.Namespace?.StartsWith("Subscriptions.Domain", StringComparison.Ordinal) == true
            && !typeof(Exception).IsAssignableFrom(type)
            && type.Assembly == typeof(DomainJson).Assembly;
    }
}

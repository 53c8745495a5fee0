using Orleans.Runtime;

namespace Subscriptions.Grains.Infrastructure;

/// <summary>
/// Carries a grain's intent (<see cref="CarriedIntent"/>) with its first nested call, in Orleans' request context, to the
/// change that commits it there. The called grain takes it off the context as its change starts, so none of its own
/// calls carries it further.
/// </summary>
internal static class IntentCarrier
{
    private const string Key = "subscriptions.carried-intent";

    /// <summary>Puts <paramref name="intent"/> on the calls made until the scope is disposed.</summary>
    public static IDisposable Carry(CarriedIntent intent)
    {
        RequestContext.Set(Key, intent);
        return new Scope();
    }

    /// <summary>The intent the current call carries, if any, taken off the context.</summary>
    public static CarriedIntent? Take()
    {
        if (RequestContext.Get(Key) is not CarriedIntent intent)
        {
            return null;
        }

        RequestContext.Remove(Key);
        return intent;
    }

    private sealed class Scope : IDisposable
    {
        public void Dispose() => RequestContext.Remove(Key);
    }
}

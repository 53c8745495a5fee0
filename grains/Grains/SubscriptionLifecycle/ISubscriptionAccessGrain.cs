using Orleans;
using Orleans.Concurrency;

namespace Subscriptions.Grains.SubscriptionLifecycle;

/// <summary>
/// What an account tells its subscriptions when who may act on it changes (ACC-2, ACC-8): the subscription grain's
/// internal contract, out of the API's reach.
/// </summary>
[Alias("subscriptions.subscription-access")]
public interface ISubscriptionAccessGrain : IGrainWithStringKey
{
    /// <summary>
    /// The account's members or its erasure are about to change: the subscription forgets the account it authorizes
    /// reads with and reads it again on the next one. It runs between the turns of a call the subscription is in the
    /// middle of, since that call may be waiting on the very account that asks, and calls nothing. A subscription not in
    /// memory is activated by it, with nothing to forget.
    /// </summary>
    [AlwaysInterleave]
    Task ForgetAccountAsync();
}

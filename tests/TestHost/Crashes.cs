using Microsoft.Extensions.DependencyInjection;
using Orleans;
using Subscriptions.Grains.Payments;

namespace Subscriptions.TestHost;

/// <summary>
/// Stops one call to one grain after the grain committed its change and before the caller gets the answer, once, as a
/// crash between the two would: an incoming grain call filter, registered by the tests that need it
/// (<c>services.AddSingleton&lt;IIncomingGrainCallFilter&gt;(crash)</c>). Production code knows nothing of it.
/// </summary>
public sealed class CrashAfterCommit : IIncomingGrainCallFilter
{
    /// <summary>The grain to stop, "type/key" (e.g. "account/acc-1"); cleared once it has stopped.</summary>
    public string? Target { get; set; }

    /// <inheritdoc />
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        await context.Invoke();
        var grain = $"{context.TargetId.Type}/{context.TargetId.Key}";
        if (Target is not null && grain == Target)
        {
            Target = null;
            throw new InvalidOperationException($"{grain} stopped after its write, before its answer.");
        }
    }
}

/// <summary>
/// Fails the next call of one method to one grain before the grain sees it, once, as a call lost in transit or refused
/// by a silo going down would: an incoming grain call filter, registered by the tests that need it.
/// </summary>
public sealed class FailCallOnce : IIncomingGrainCallFilter
{
    /// <summary>The grain, "type/key", and the interface method name to fail; cleared once a call failed.</summary>
    public (string Grain, string Method)? Target { get; set; }

    /// <summary>How many calls this filter failed.</summary>
    public int Failed { get; private set; }

    /// <inheritdoc />
    public Task Invoke(IIncomingGrainCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (Target is { } target && $"{context.TargetId.Type}/{context.TargetId.Key}" == target.Grain && context.InterfaceMethod?.Name == target.Method)
        {
            Target = null;
            Failed++;
            throw new InvalidOperationException($"{target.Grain}: {target.Method} was lost before the grain saw it.");
        }

        return context.Invoke();
    }
}

/// <summary>
/// Makes the payment gateway take the money, then stop the invoice's change before it is written, once, as a crash
/// between the gateway's answer and the commit would: <see cref="Register"/> wraps the registered gateway.
/// </summary>
public sealed class CrashAfterCharge
{
    /// <summary>The invoice key whose next charge stops its change; cleared once it has.</summary>
    public string? Target { get; set; }

    /// <summary>Wraps the gateway already registered in <paramref name="services"/>.</summary>
    public void Register(IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        var registered = services.LastOrDefault(d => d.ServiceType == typeof(IPaymentGateway))
            ?? throw new InvalidOperationException("No IPaymentGateway is registered to wrap.");
        services.Remove(registered);
        services.AddSingleton<IPaymentGateway>(provider => new Gateway(
            registered.ImplementationInstance as IPaymentGateway
                ?? registered.ImplementationFactory?.Invoke(provider) as IPaymentGateway
                ?? (IPaymentGateway)ActivatorUtilities.CreateInstance(provider, registered.ImplementationType!),
            this));
    }

    private sealed class Gateway(IPaymentGateway inner, CrashAfterCharge crash) : IPaymentGateway
    {
        public async Task<GatewayResult> ChargeAsync(GatewayCharge charge, CancellationToken cancellationToken)
        {
            var answer = await inner.ChargeAsync(charge, cancellationToken);
            if (crash.Target is not null && charge.InvoiceKey == crash.Target)
            {
                crash.Target = null;
                throw new InvalidOperationException($"invoice/{charge.InvoiceKey} stopped after the gateway charged, before its write.");
            }

            return answer;
        }

        public Task<GatewayResult> ConfirmAsync(string reference, CancellationToken cancellationToken) => inner.ConfirmAsync(reference, cancellationToken);

        public Task<GatewayResult> CancelAsync(string reference, CancellationToken cancellationToken) => inner.CancelAsync(reference, cancellationToken);

        public Task<IReadOnlyList<GatewayChargeRecord>> ListChargesAsync(string invoiceKey, CancellationToken cancellationToken) =>
            inner.ListChargesAsync(invoiceKey, cancellationToken);
    }
}

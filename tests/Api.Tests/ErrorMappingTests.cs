using Google.Rpc;
using Subscriptions.Grpc.Api.Errors;
using Subscriptions.Grpc.Transport;
using Subscriptions.Grpc.Transport.Errors;
using Subscriptions.Runtime;

namespace Subscriptions.Api.Tests;

/// <summary>How the one exception mapper answers runtime failures and defects (the domain refusals are proved through the API).</summary>
public sealed class ErrorMappingTests
{
    private static readonly GrainId Account = new("account", "acc-1");
    private readonly SubscriptionsExceptionMapper _mapper = new();
    private readonly ServerCallContext _context = new("/subscriptions.v1.AccountService/AddCard", [], null, "test", EmptyServices.Instance, CancellationToken.None);

    [Fact]
    public void IDEM_1_retryable_runtime_failures_answer_ABORTED_or_UNAVAILABLE_with_retry_advice_and_a_timeout_DEADLINE_EXCEEDED()
    {
        var conflict = _mapper.Map(new GrainVersionConflictException(Account, 3), _context)!;
        var storage = _mapper.Map(new StorageUnavailableException("PostgreSQL is unreachable", new TimeoutException()), _context)!;
        var timeout = _mapper.Map(new GrainCallTimeoutException("Call AddCardAsync on account/acc-1 did not complete"), _context)!;

        Assert.Equal((StatusCode.Aborted, StatusCode.Unavailable, StatusCode.DeadlineExceeded), (conflict.StatusCode, storage.StatusCode, timeout.StatusCode));
        Assert.NotNull(conflict.GetRichStatus()?.GetDetail<RetryInfo>());
        Assert.NotNull(storage.GetRichStatus()?.GetDetail<RetryInfo>());
    }

    [Fact]
    public void A_call_cycle_is_INTERNAL_and_a_grain_invariant_is_not_blamed_on_a_request_field()
    {
        var cycle = _mapper.Map(new GrainCallCycleException([Account], Account), _context)!;
        var invariant = _mapper.Map(new ArgumentException("A credit must be positive; got -1.00 USD.", "command"), _context);

        Assert.Equal(StatusCode.Internal, cycle.StatusCode);
        Assert.DoesNotContain("acc-1", cycle.Detail, StringComparison.Ordinal);
        Assert.Null(invariant);
    }

    private sealed class EmptyServices : IServiceProvider
    {
        public static readonly EmptyServices Instance = new();

        public object? GetService(Type serviceType) => null;
    }
}

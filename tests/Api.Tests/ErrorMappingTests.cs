using Google.Rpc;
using Grpc.Core;
using Microsoft.Extensions.Logging.Abstractions;
using Subscriptions.Grains;
using Subscriptions.Domain.Accounts;
using Subscriptions.Grains.Accounts;
using Subscriptions.Grains.Invoices;
using Subscriptions.Grains.SubscriptionLifecycle;
using Subscriptions.Grains.TestClocks;
using Subscriptions.Grpc.Api.Errors;
using Proto = Subscriptions.Grpc.Api.V1;

namespace Subscriptions.Api.Tests;

/// <summary>How the one error interceptor answers runtime failures and defects (the domain refusals are proved through the API).</summary>
public sealed class ErrorMappingTests
{
    private readonly ErrorInterceptor _mapper = new(NullLogger<ErrorInterceptor>.Instance);
    private readonly ServerCallContext _context = new Context("/subscriptions.v1.AccountService/AddCard");

    [Fact]
    public void IDEM_1_retryable_runtime_failures_answer_ABORTED_or_UNAVAILABLE_with_retry_advice_and_a_timeout_DEADLINE_EXCEEDED()
    {
        var conflict = _mapper.Map(new ConcurrentChangeException("account/acc-1"), _context);
        var storage = _mapper.Map(new StorageUnavailableException("PostgreSQL is unreachable"), _context);
        var timeout = _mapper.Map(new TimeoutException("Response did not arrive on time in 00:00:30 for message: account/acc-1"), _context);

        Assert.Equal((StatusCode.Aborted, StatusCode.Unavailable, StatusCode.DeadlineExceeded), (conflict.StatusCode, storage.StatusCode, timeout.StatusCode));
        Assert.NotNull(conflict.GetRpcStatus()?.GetDetail<RetryInfo>());
        Assert.NotNull(storage.GetRpcStatus()?.GetDetail<RetryInfo>());
    }

    [Fact]
    public void storage_and_silo_failures_wrapped_by_Orleans_answer_UNAVAILABLE_with_retry_advice_never_INTERNAL()
    {
        Exception[] failures =
        [
            new Orleans.Runtime.OrleansException("Error from storage provider during ReadStateAsync", new StorageUnavailableException("PostgreSQL is unavailable while reading account/acc-1")),
            new AggregateException(new StorageUnavailableException("PostgreSQL is unavailable while writing account/acc-1")),
            new Orleans.Runtime.SiloUnavailableException("silo S127.0.0.1:11111 is dead"),

            // A driver failure no storage layer translated (found by the chaos run: a charge's commit cut mid-way).
            new Npgsql.NpgsqlException("Exception while reading from stream", new EndOfStreamException("Attempted to read past the end of the stream.")),
        ];

        var answers = failures.Select(f => _mapper.Map(f, _context)).ToList();

        Assert.All(answers, a => Assert.Equal(StatusCode.Unavailable, a.StatusCode));
        Assert.All(answers, a => Assert.NotNull(a.GetRpcStatus()?.GetDetail<RetryInfo>()));
    }

    [Fact]
    public void IDEM_1_a_call_to_a_silo_that_stopped_answering_is_UNAVAILABLE_with_retry_advice_not_a_defect()
    {
        var unavailable = _mapper.Map(new Orleans.Runtime.SiloUnavailableException("The target silo became unavailable for message: account/acc-1"), _context);

        Assert.Equal((StatusCode.Unavailable, ErrorInterceptor.SiloUnavailableMessage), (unavailable.StatusCode, unavailable.Status.Detail));
        Assert.NotNull(unavailable.GetRpcStatus()?.GetDetail<RetryInfo>());
    }

    [Fact]
    public void A_defect_and_a_grain_invariant_are_INTERNAL_without_internals_and_not_blamed_on_a_request_field()
    {
        var cycle = _mapper.Map(new InvalidOperationException("account/acc-1 started a change inside another change."), _context);
        var invariant = _mapper.Map(new ArgumentException("A credit must be positive; got -1.00 USD.", "command"), _context);

        Assert.Equal((StatusCode.Internal, StatusCode.Internal), (cycle.StatusCode, invariant.StatusCode));
        Assert.Equal((ErrorInterceptor.InternalMessage, ErrorInterceptor.InternalMessage), (cycle.Status.Detail, invariant.Status.Detail));
        Assert.Null(invariant.GetRpcStatus());
    }

    [Fact]
    public void IDEM_1_a_reused_request_id_names_the_first_change_by_the_gRPC_method_the_contracts_declare_for_every_change_a_caller_can_make()
    {
        var changes = typeof(IAccountGrain).Assembly.GetTypes()
            .Where(t => t.IsInterface && t.GetInterfaces().Contains(typeof(Orleans.IGrainWithStringKey)))
            .SelectMany(grain => grain.GetMethods()
                .Where(m => m.Name != "GetAsync" && m.GetParameters().Any(p => p.ParameterType == typeof(Actor)) && m.Name != nameof(IAccountGrain.ChangeAsync))
                .Select(m => (Type: GrainTypeOf(grain), Change: m.Name)))
            .Concat(typeof(AccountCommand).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(AccountCommand)) && !t.IsAbstract).Select(t => (Type: "account", Change: t.Name)))
            .Concat([(Type: "testclock", Change: nameof(ITestClockGrain.CreateAsync)), (Type: "testclock", Change: nameof(ITestClockGrain.AdvanceAsync))])
            .ToList();
        var declared = new[] { Proto.AccountService.Descriptor, Proto.SubscriptionService.Descriptor, Proto.InvoiceService.Descriptor, Proto.QuoteService.Descriptor, Proto.TestClockService.Descriptor }
            .SelectMany(s => s.Methods.Select(m => $"{s.Name}/{m.Name}"))
            .ToHashSet();

        var named = changes.Select(c => (c, Message: _mapper.Map(new RequestIdReusedException($"{c.Type}/k-1", "r-1", c.Change, c.Change), _context).Status.Detail)).ToList();

        Assert.True(changes.Count > 40, $"only {changes.Count} changes found");
        Assert.All(named, n => Assert.Contains(declared, d => n.Message.Contains($"already used for {d};", StringComparison.Ordinal)));
    }

    private static string GrainTypeOf(Type grain) => grain.Name switch
    {
        nameof(IAccountGrain) => "account",
        nameof(ISubscriptionGrain) => "subscription",
        nameof(IInvoiceGrain) => "invoice",
        nameof(Subscriptions.Grains.Quotes.IQuoteGrain) => "quote",
        nameof(Subscriptions.Grains.Quotes.IServiceOrderGrain) => "order",
        _ => grain.Name,
    };

    private sealed class Context(string method) : ServerCallContext
    {
        private readonly Metadata _headers = [];
        private readonly Metadata _trailers = [];
        private readonly Dictionary<object, object> _state = [];

        protected override string MethodCore => method;

        protected override string HostCore => "localhost";

        protected override string PeerCore => "test";

        protected override DateTime DeadlineCore => DateTime.MaxValue;

        protected override Metadata RequestHeadersCore => _headers;

        protected override CancellationToken CancellationTokenCore => CancellationToken.None;

        protected override Metadata ResponseTrailersCore => _trailers;

        protected override global::Grpc.Core.Status StatusCore { get; set; }

        protected override WriteOptions? WriteOptionsCore { get; set; }

        protected override AuthContext AuthContextCore => new(null, []);

        protected override IDictionary<object, object> UserStateCore => _state;

        protected override ContextPropagationToken CreatePropagationTokenCore(ContextPropagationOptions? options) => throw new NotSupportedException();

        protected override Task WriteResponseHeadersAsyncCore(Metadata responseHeaders) => Task.CompletedTask;
    }
}

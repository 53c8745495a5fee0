using Grpc.Core;
using Subscriptions.Domain;
using Subscriptions.Domain.Accounts;
using Subscriptions.Grpc.Api.Auth;
using Subscriptions.Grpc.Api.Errors;
using Subscriptions.Grpc.Tests.Testing;

namespace Subscriptions.Grpc.Tests.Testing
{
    /// <summary>In the guarded echo, the request's text names the account its ACC-2 rule checks.</summary>
    public sealed partial class EchoRequest : Subscriptions.Grpc.Api.V1.IAccountRequest
    {
        /// <inheritdoc />
        public string AccountId => Text;
    }
}

namespace Subscriptions.Grpc.Tests.Echo
{
    /// <summary>
    /// TestEcho as the host serves its own services: Echo needs ACC-2 ManageSubscriptions on the account named by "text" and
    /// answers the caller's subject; Fail needs any valid token and fails with a SUB-6 rich error carrying the detail.
    /// Other methods carry no access rule, so the edge refuses them.
    /// </summary>
    public sealed class GuardedEchoService : TestEcho.TestEchoBase
    {
        [OnAccount(AccountAction.ManageSubscriptions)]
        public override Task<EchoReply> Echo(EchoRequest request, ServerCallContext context) =>
            Task.FromResult(new EchoReply { Text = EdgeInterceptor.Caller(context).Subject });

        [AnyCaller]
        public override Task<EchoReply> Fail(FailRequest request, ServerCallContext context) =>
            throw RichErrors.FailedPrecondition(Rules.Sub6, request?.Detail ?? "");
    }
}

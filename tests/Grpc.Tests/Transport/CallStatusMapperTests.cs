using Microsoft.Extensions.Logging.Abstractions;
using Subscriptions.Grpc.Transport;
using Subscriptions.Grpc.Transport.Server;
using Xunit;

namespace Subscriptions.Grpc.Tests.Transport;

public sealed class CallStatusMapperTests
{
    private readonly ServerCallContext _context = new(
        TestEchoService.PathOf("Echo"), [], deadline: null, "ipv4:127.0.0.1:50000", EmptyServices.Instance, CancellationToken.None);

    [Fact]
    public void a_registered_mapper_answers_before_the_defaults()
    {
        var status = Map([new FixedMapper(new RpcException(StatusCode.NotFound, "account \"acc-1\" was not found"))], new KeyNotFoundException("acc-1"));

        Assert.Equal(StatusCode.NotFound, status.StatusCode);
    }

    [Fact]
    public void a_mapper_that_throws_is_answered_unknown_without_leaking_either_exception()
    {
        var status = Map([new ThrowingMapper()], new InvalidOperationException("secret Password=hunter2"));

        Assert.Equal(StatusCode.Unknown, status.StatusCode);
        Assert.Equal("Exception was thrown by handler.", status.Detail);
    }

    [Fact]
    public void an_exception_no_mapper_knows_is_unknown_without_its_message()
    {
        var status = Map([new FixedMapper(null)], new InvalidOperationException("secret Password=hunter2"));

        Assert.Equal(StatusCode.Unknown, status.StatusCode);
        Assert.Equal("Exception was thrown by handler.", status.Detail);
    }

    private RpcException Map(IExceptionMapper[] mappers, Exception exception)
    {
        using var cancellation = new CallCancellation(TimeProvider.System, timeout: null, CancellationToken.None, CancellationToken.None);
        return new CallStatusMapper(mappers, NullLogger<CallStatusMapper>.Instance).Map(exception, _context, cancellation);
    }

    private sealed class FixedMapper(RpcException? answer) : IExceptionMapper
    {
        public RpcException? Map(Exception exception, ServerCallContext context) => answer;
    }

    private sealed class ThrowingMapper : IExceptionMapper
    {
        public RpcException? Map(Exception exception, ServerCallContext context) =>
            throw new InvalidOperationException($"mapper bug while mapping {exception.Message}");
    }
}

using System.Text;
using Google.Protobuf;
using Subscriptions.Grpc.Tests.Testing;
using Subscriptions.Grpc.Transport;
using Subscriptions.Grpc.Transport.Client;
using Xunit;

namespace Subscriptions.Grpc.Tests.Transport;

public sealed class UnaryCallTests(ManualClockServerFixture fixture) : IClassFixture<ManualClockServerFixture>
{
    private readonly GrpcTestServer _server = fixture.Server;

    [Fact]
    public async Task unary_call_returns_the_handler_response_with_status_ok_in_trailers()
    {
        var response = await RawGrpc.SendAsync(
            _server.HttpClient(),
            TestEchoService.PathOf("Echo"),
            new ByteArrayContent(RawGrpc.Frame(new EchoRequest { Text = "hello", Payload = ByteString.CopyFromUtf8("bytes") })));

        Assert.Equal(System.Net.HttpStatusCode.OK, response.HttpStatus);
        Assert.Equal("application/grpc", response.Headers["content-type"]);
        Assert.Equal("identity,gzip", response.Headers["grpc-accept-encoding"]);
        Assert.Equal("0", response.Trailers["grpc-status"]);
        Assert.False(response.Trailers.ContainsKey("grpc-message"));
        var reply = Assert.Single(await response.MessagesAsync(EchoReply.Parser));
        Assert.Equal("hello", reply.Text);
        Assert.Equal("bytes", reply.Payload.ToStringUtf8());
    }

    [Fact]
    public async Task request_metadata_ascii_and_binary_reaches_the_handler_and_comes_back_in_headers_and_trailers()
    {
        var headers = new Metadata { { "x-echo-plain", "abc 123" }, { "x-echo-data-bin", new byte[] { 0, 1, 254, 255 } } };

        var response = await _server.Client().UnaryCallAsync<EchoRequest, EchoReply>(
            TestEchoService.PathOf("Echo"), new EchoRequest { Text = "m" }, new CallOptions { Headers = headers });

        Assert.Equal("abc 123", response.Message.Metadata["x-echo-plain"]);
        Assert.Equal("subscriptions-grpc-client/1.0", response.Message.Metadata["user-agent"]);
        Assert.False(response.Message.Metadata.ContainsKey("grpc-accept-encoding"));
        Assert.Equal("abc 123", response.Headers.GetValue("x-echo-plain"));
        Assert.Equal(new byte[] { 0, 1, 254, 255 }, response.Headers.GetValueBytes("x-echo-data-bin"));
        Assert.Equal("abc 123", response.Trailers.GetValue("x-echo-plain"));
        Assert.Equal(new byte[] { 0, 1, 254, 255 }, response.Trailers.GetValueBytes("x-echo-data-bin"));
    }

    [Fact]
    public async Task unpadded_base64_binary_metadata_is_accepted()
    {
        var response = await RawGrpc.SendAsync(
            _server.HttpClient(),
            TestEchoService.PathOf("Echo"),
            new ByteArrayContent(RawGrpc.Frame(new EchoRequest())),
            headers: new Dictionary<string, string> { ["x-echo-one-bin"] = "AQ" });

        Assert.Equal(0, response.GrpcStatus);
        Assert.Equal("AQ==", response.Trailers["x-echo-one-bin"]);
    }

    [Fact]
    public async Task invalid_base64_in_binary_metadata_is_internal()
    {
        var response = await RawGrpc.SendAsync(
            _server.HttpClient(),
            TestEchoService.PathOf("Echo"),
            new ByteArrayContent(RawGrpc.Frame(new EchoRequest())),
            headers: new Dictionary<string, string> { ["x-broken-bin"] = "***" });

        Assert.True(response.IsTrailersOnly);
        Assert.Equal((int)StatusCode.Internal, response.GrpcStatus);
        Assert.Equal("Binary metadata \"x-broken-bin\" is not valid base64.", response.GrpcMessage);
    }

    [Fact]
    public async Task handler_status_error_before_any_message_is_a_trailers_only_response_with_percent_encoded_message()
    {
        var detail = "prix invalide : 12 € (100% faux)";

        var response = await RawGrpc.SendAsync(
            _server.HttpClient(),
            TestEchoService.PathOf("Fail"),
            new ByteArrayContent(RawGrpc.Frame(new FailRequest { Code = (int)StatusCode.InvalidArgument, Detail = detail })));

        Assert.True(response.IsTrailersOnly);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.HttpStatus);
        Assert.Equal("application/grpc", response.Headers["content-type"]);
        Assert.Equal((int)StatusCode.InvalidArgument, response.GrpcStatus);
        Assert.Equal("prix invalide : 12 %E2%82%AC (100%25 faux)", response.GrpcMessage);
        Assert.Equal("requested", response.Headers["x-fail-reason"]);
    }

    [Fact]
    public async Task client_surfaces_status_detail_and_trailers_of_a_failed_call()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => _server.Client().UnaryAsync<FailRequest, EchoReply>(
            TestEchoService.PathOf("Fail"), new FailRequest { Code = (int)StatusCode.NotFound, Detail = "compte « 42 » introuvable" }));

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.Equal("compte « 42 » introuvable", error.Detail);
        Assert.Equal("requested", error.Trailers.GetValue("x-fail-reason"));
    }

    [Fact]
    public async Task unhandled_exception_is_unknown_without_leaking_its_message()
    {
        var response = await RawGrpc.SendAsync(
            _server.HttpClient(), TestEchoService.PathOf("Throw"), new ByteArrayContent(RawGrpc.Frame(new EchoRequest { Text = "x" })));

        Assert.Equal((int)StatusCode.Unknown, response.GrpcStatus);
        Assert.Equal("Exception was thrown by handler.", response.GrpcMessage);
        Assert.DoesNotContain(response.Headers.Values.Concat(response.Trailers.Values), v => v.Contains("hunter2", StringComparison.Ordinal));
    }

    [Fact]
    public async Task unknown_method_of_a_known_service_is_unimplemented()
    {
        var response = await RawGrpc.SendAsync(
            _server.HttpClient(), TestEchoService.PathOf("Nope"), new ByteArrayContent(RawGrpc.Frame(new EchoRequest())));

        Assert.True(response.IsTrailersOnly);
        Assert.Equal((int)StatusCode.Unimplemented, response.GrpcStatus);
        Assert.Equal("Method /subscriptions.testing.v1.TestEcho/Nope is unimplemented.", response.GrpcMessage);
    }

    [Fact]
    public async Task unknown_service_is_unimplemented_through_the_client()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => _server.Client().UnaryAsync<EchoRequest, EchoReply>(
            "/no.such.Service/Call", new EchoRequest()));

        Assert.Equal(StatusCode.Unimplemented, error.StatusCode);
        Assert.Equal("Service no.such.Service is unimplemented.", error.Detail);
    }

    [Fact]
    public async Task wrong_content_type_is_http_415()
    {
        var response = await RawGrpc.SendAsync(
            _server.HttpClient(), TestEchoService.PathOf("Echo"), new ByteArrayContent(RawGrpc.Frame(new EchoRequest())), contentType: "application/json");

        Assert.Equal(System.Net.HttpStatusCode.UnsupportedMediaType, response.HttpStatus);
        Assert.Equal((int)StatusCode.Internal, response.GrpcStatus);
        Assert.Equal("Content-Type 'application/json' is not supported.", response.GrpcMessage);
    }

    [Fact]
    public async Task grpc_web_content_type_is_http_415()
    {
        var response = await RawGrpc.SendAsync(
            _server.HttpClient(), TestEchoService.PathOf("Echo"), new ByteArrayContent(RawGrpc.Frame(new EchoRequest())), contentType: "application/grpc-web");

        Assert.Equal(System.Net.HttpStatusCode.UnsupportedMediaType, response.HttpStatus);
    }

    [Fact]
    public async Task grpc_proto_content_type_with_parameters_is_accepted()
    {
        var response = await RawGrpc.SendAsync(
            _server.HttpClient(), TestEchoService.PathOf("Echo"), new ByteArrayContent(RawGrpc.Frame(new EchoRequest { Text = "p" })), contentType: "application/grpc+proto; charset=utf-8");

        Assert.Equal(0, response.GrpcStatus);
    }

    [Fact]
    public async Task http_1_1_request_is_426_upgrade_required()
    {
        using var http1 = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_server.Http1Port}") };

        var response = await RawGrpc.SendAsync(
            http1, TestEchoService.PathOf("Echo"), new ByteArrayContent(RawGrpc.Frame(new EchoRequest())), version: System.Net.HttpVersion.Version11);

        Assert.Equal(System.Net.HttpStatusCode.UpgradeRequired, response.HttpStatus);
        Assert.Equal("h2c", response.Headers["upgrade"]);
        Assert.Equal((int)StatusCode.Internal, response.GrpcStatus);
        Assert.Equal("Request protocol 'HTTP/1.1' is not supported.", response.GrpcMessage);
    }

    [Fact]
    public async Task non_grpc_request_falls_through_to_the_rest_of_the_pipeline()
    {
        using var response = await _server.HttpClient().GetAsync(new Uri("/somewhere", UriKind.Relative));

        Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
        Assert.False(response.Headers.Contains("grpc-status"));
    }

    [Fact]
    public async Task malformed_protobuf_request_is_internal()
    {
        var response = await RawGrpc.SendAsync(
            _server.HttpClient(), TestEchoService.PathOf("Echo"), new ByteArrayContent(RawGrpc.Frame([0xFF, 0xFF, 0xFF])));

        Assert.Equal((int)StatusCode.Internal, response.GrpcStatus);
        Assert.Equal("Failed to deserialize the message.", response.GrpcMessage);
    }

    [Fact]
    public async Task unary_request_without_a_message_is_internal()
    {
        var response = await RawGrpc.SendAsync(_server.HttpClient(), TestEchoService.PathOf("Echo"), new ByteArrayContent([]));

        Assert.Equal((int)StatusCode.Internal, response.GrpcStatus);
    }

    [Fact]
    public async Task unary_request_with_two_messages_is_internal()
    {
        var frame = RawGrpc.Frame(new EchoRequest { Text = "a" });

        var response = await RawGrpc.SendAsync(_server.HttpClient(), TestEchoService.PathOf("Echo"), new ByteArrayContent([.. frame, .. frame]));

        Assert.Equal((int)StatusCode.Internal, response.GrpcStatus);
        Assert.Equal("Additional data after the message received.", response.GrpcMessage);
    }

    [Fact]
    public async Task truncated_message_is_internal()
    {
        var frame = RawGrpc.Frame(new EchoRequest { Text = "truncated" });

        var response = await RawGrpc.SendAsync(_server.HttpClient(), TestEchoService.PathOf("Echo"), new ByteArrayContent(frame[..^3]));

        Assert.Equal((int)StatusCode.Internal, response.GrpcStatus);
        Assert.Equal("Incomplete message.", response.GrpcMessage);
    }

    [Fact]
    public async Task request_over_the_4_mib_receive_limit_is_resource_exhausted()
    {
        var request = new EchoRequest { Payload = ByteString.CopyFrom(new byte[GrpcTransportOptions.DefaultMaxMessageSize]) };

        var error = await Assert.ThrowsAsync<RpcException>(() => _server.Client().UnaryAsync<EchoRequest, EchoReply>(TestEchoService.PathOf("Echo"), request));

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.StartsWith("Received message larger than max", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task response_over_the_4_mib_send_limit_is_resource_exhausted()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => _server.Client().UnaryAsync<BigRequest, EchoReply>(
            TestEchoService.PathOf("Big"), new BigRequest { Size = GrpcTransportOptions.DefaultMaxMessageSize + 1 }));

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.StartsWith("Sending message larger than max", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task response_just_under_the_limit_is_sent()
    {
        var reply = await _server.Client(new GrpcClientOptions { MaxReceiveMessageSize = int.MaxValue }).UnaryAsync<BigRequest, EchoReply>(
            TestEchoService.PathOf("Big"), new BigRequest { Size = GrpcTransportOptions.DefaultMaxMessageSize - 16 });

        Assert.Equal(GrpcTransportOptions.DefaultMaxMessageSize - 16, reply.Payload.Length);
    }

    [Fact]
    public async Task gzip_compressed_request_is_accepted()
    {
        var text = string.Concat(Enumerable.Repeat("compressible ", 500));

        var reply = await _server.Client(new GrpcClientOptions { GzipRequests = true }).UnaryAsync<EchoRequest, EchoReply>(
            TestEchoService.PathOf("Echo"), new EchoRequest { Text = text });

        Assert.Equal(text, reply.Text);
    }

    [Fact]
    public async Task compressed_flag_without_grpc_encoding_is_internal()
    {
        var response = await RawGrpc.SendAsync(
            _server.HttpClient(), TestEchoService.PathOf("Echo"), new ByteArrayContent(RawGrpc.Frame(new EchoRequest().ToByteArray(), compressed: true)));

        Assert.Equal((int)StatusCode.Internal, response.GrpcStatus);
    }

    [Fact]
    public async Task corrupt_gzip_message_is_internal()
    {
        var response = await RawGrpc.SendAsync(
            _server.HttpClient(),
            TestEchoService.PathOf("Echo"),
            new ByteArrayContent(RawGrpc.Frame(Encoding.ASCII.GetBytes("not gzip at all"), compressed: true)),
            headers: new Dictionary<string, string> { ["grpc-encoding"] = "gzip" });

        Assert.Equal((int)StatusCode.Internal, response.GrpcStatus);
        Assert.Equal("Failed to decompress the gzip message.", response.GrpcMessage);
    }

    [Fact]
    public async Task unsupported_grpc_encoding_is_unimplemented_and_lists_the_accepted_encodings()
    {
        var response = await RawGrpc.SendAsync(
            _server.HttpClient(),
            TestEchoService.PathOf("Echo"),
            new ByteArrayContent(RawGrpc.Frame(new EchoRequest())),
            headers: new Dictionary<string, string> { ["grpc-encoding"] = "br" });

        Assert.True(response.IsTrailersOnly);
        Assert.Equal((int)StatusCode.Unimplemented, response.GrpcStatus);
        Assert.Equal("identity,gzip", response.Headers["grpc-accept-encoding"]);
    }
}

using System.IO.Pipelines;
using Subscriptions.Grpc.Tests.Testing;
using Subscriptions.Grpc.Transport;
using Subscriptions.Grpc.Transport.Framing;
using Xunit;

namespace Subscriptions.Grpc.Tests.Transport;

public sealed class StreamingCallTests(ManualClockServerFixture fixture) : IClassFixture<ManualClockServerFixture>
{
    private readonly GrpcTestServer _server = fixture.Server;

    [Fact]
    public async Task server_streaming_call_delivers_every_message_then_ok()
    {
        await using var call = await _server.Client().ServerStreamingAsync<CountRequest, EchoReply>(TestEchoService.PathOf("Count"), new CountRequest { Count = 5 });

        var texts = await call.ReadAllAsync().Select(r => r.Text).ToListAsync();

        Assert.Equal(["0", "1", "2", "3", "4"], texts);
        Assert.Equal(0, call.Trailers.Count);
    }

    [Fact]
    public async Task server_streaming_failure_after_messages_sends_the_status_in_trailers()
    {
        var response = await RawGrpc.SendAsync(
            _server.HttpClient(), TestEchoService.PathOf("Count"), new ByteArrayContent(RawGrpc.Frame(new CountRequest { Count = 2, FailCode = (int)StatusCode.FailedPrecondition })));

        Assert.False(response.IsTrailersOnly);
        Assert.False(response.Headers.ContainsKey("grpc-status"));
        Assert.Equal(2, (await response.MessagesAsync(EchoReply.Parser)).Count);
        Assert.Equal((int)StatusCode.FailedPrecondition, response.GrpcStatus);
        Assert.Equal("failed after 2 messages", response.GrpcMessage);
    }

    [Fact]
    public async Task client_sees_streamed_messages_before_the_failure_status()
    {
        await using var call = await _server.Client().ServerStreamingAsync<CountRequest, EchoReply>(
            TestEchoService.PathOf("Count"), new CountRequest { Count = 3, FailCode = (int)StatusCode.Aborted });
        var received = new List<string>();

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            await foreach (var reply in call.ReadAllAsync())
            {
                received.Add(reply.Text);
            }
        });

        Assert.Equal(["0", "1", "2"], received);
        Assert.Equal(StatusCode.Aborted, error.StatusCode);
    }

    [Fact]
    public async Task message_split_into_1_byte_data_frames_is_reassembled()
    {
        var text = new string('a', 300);
        var content = new ChunkedContent(RawGrpc.Frame(new EchoRequest { Text = text }), chunkSize: 1);

        var response = await RawGrpc.SendAsync(_server.HttpClient(), TestEchoService.PathOf("Echo"), content);

        Assert.Equal(0, response.GrpcStatus);
        Assert.Equal(text, Assert.Single(await response.MessagesAsync(EchoReply.Parser)).Text);
        Assert.True(content.Chunks > 300);
    }

    [Fact]
    public async Task duplex_messages_split_into_7_byte_data_frames_are_reassembled()
    {
        byte[] body = [.. RawGrpc.Frame(new EchoRequest { Text = "first message" }), .. RawGrpc.Frame(new EchoRequest { Text = "second" }), .. RawGrpc.Frame(new EchoRequest())];

        var response = await RawGrpc.SendAsync(_server.HttpClient(), TestEchoService.PathOf("Chat"), new ChunkedContent(body, chunkSize: 7));

        Assert.Equal(0, response.GrpcStatus);
        Assert.Equal(["first message", "second", string.Empty, "done:3"], (await response.MessagesAsync(EchoReply.Parser)).Select(r => r.Text));
    }

    [Fact]
    public async Task several_duplex_messages_in_one_data_frame_are_all_read()
    {
        byte[] body = [.. RawGrpc.Frame(new EchoRequest { Text = "a" }), .. RawGrpc.Frame(new EchoRequest { Text = "b" }), .. RawGrpc.Frame(new EchoRequest { Text = "c" })];

        var response = await RawGrpc.SendAsync(_server.HttpClient(), TestEchoService.PathOf("Chat"), new ByteArrayContent(body));

        Assert.Equal(0, response.GrpcStatus);
        Assert.Equal(["a", "b", "c", "done:3"], (await response.MessagesAsync(EchoReply.Parser)).Select(r => r.Text));
    }

    [Fact]
    public async Task duplex_call_answers_each_message_before_the_client_ends_its_stream()
    {
        var requestBody = new PushContent();
        using var request = new HttpRequestMessage(HttpMethod.Post, TestEchoService.PathOf("Chat"))
        {
            Version = System.Net.HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = requestBody,
        };
        request.Content.Headers.ContentType = new("application/grpc");

        await requestBody.WriteAsync(RawGrpc.Frame(new EchoRequest { Text = "ping" }));
        using var response = await _server.HttpClient().SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var replies = new MessageReader(PipeReader.Create(await response.Content.ReadAsStreamAsync()), int.MaxValue, encoding: null);
        var first = await replies.ReadAsync(EchoReply.Parser, CancellationToken.None);
        await requestBody.WriteAsync(RawGrpc.Frame(new EchoRequest { Text = "pong" }));
        var second = await replies.ReadAsync(EchoReply.Parser, CancellationToken.None);
        requestBody.Complete();
        var last = await replies.ReadAsync(EchoReply.Parser, CancellationToken.None);

        Assert.Equal("ping", first?.Text);
        Assert.Equal("pong", second?.Text);
        Assert.Equal("done:2", last?.Text);
        Assert.Null(await replies.ReadAsync(EchoReply.Parser, CancellationToken.None));
        Assert.Equal("0", response.TrailingHeaders.GetValues("grpc-status").Single());
    }
}

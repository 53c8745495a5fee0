using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Subscriptions.Grpc.Tests.Testing;
using Subscriptions.Grpc.Transport;
using Subscriptions.Grpc.Transport.Client;
using Xunit;

namespace Subscriptions.Grpc.Tests.Transport;

public sealed class TlsAndCompressionTests : IDisposable
{
    private const string Password = "test-only";
    private readonly string _certificatePath = Path.Combine(Path.GetTempPath(), $"grpc-test-{Guid.NewGuid():N}.pfx");
    private readonly X509Certificate2 _certificate;

    public TlsAndCompressionTests()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        _certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        File.WriteAllBytes(_certificatePath, _certificate.Export(X509ContentType.Pkcs12, Password));
    }

    public void Dispose()
    {
        _certificate.Dispose();
        File.Delete(_certificatePath);
    }

    [Fact]
    public async Task tls_endpoint_from_a_certificate_file_serves_grpc_over_http2()
    {
        await using var server = await GrpcTestServer.StartAsync(TimeProvider.System, tls: new GrpcTlsCertificate(_certificatePath, Password));
        using var http = TrustingClient(server.Port);

        var reply = await new GrpcClient(http).UnaryAsync<EchoRequest, EchoReply>(TestEchoService.PathOf("Echo"), new EchoRequest { Text = "over tls" });

        Assert.Equal("over tls", reply.Text);
    }

    [Fact]
    public async Task http_1_1_over_tls_is_426_with_upgrade_h2()
    {
        await using var server = await GrpcTestServer.StartAsync(TimeProvider.System, tls: new GrpcTlsCertificate(_certificatePath, Password));
        using var http = TrustingClient(server.Port);

        var response = await RawGrpc.SendAsync(
            http, TestEchoService.PathOf("Echo"), new ByteArrayContent(RawGrpc.Frame(new EchoRequest())), version: HttpVersion.Version11);

        Assert.Equal(HttpStatusCode.UpgradeRequired, response.HttpStatus);
        Assert.Equal("h2", response.Headers["upgrade"]);
    }

    [Fact]
    public async Task responses_are_gzip_compressed_when_configured_and_accepted_by_the_client()
    {
        await using var server = await GrpcTestServer.StartAsync(TimeProvider.System, options => options.ResponseCompression = "gzip");
        var text = string.Concat(Enumerable.Repeat("compressible ", 500));

        var raw = await RawGrpc.SendAsync(
            server.HttpClient(),
            TestEchoService.PathOf("Echo"),
            new ByteArrayContent(RawGrpc.Frame(new EchoRequest { Text = text })),
            headers: new Dictionary<string, string> { ["grpc-accept-encoding"] = "identity,gzip" });
        var viaClient = await server.Client().UnaryAsync<EchoRequest, EchoReply>(TestEchoService.PathOf("Echo"), new EchoRequest { Text = text });

        Assert.Equal("gzip", raw.Headers["grpc-encoding"]);
        Assert.Equal(1, raw.Body[0]);
        Assert.True(raw.Body.Length < text.Length / 10);
        Assert.Equal(text, Assert.Single(await raw.MessagesAsync(EchoReply.Parser)).Text);
        Assert.Equal(text, viaClient.Text);
    }

    [Fact]
    public async Task responses_stay_uncompressed_for_a_client_that_does_not_accept_gzip()
    {
        await using var server = await GrpcTestServer.StartAsync(TimeProvider.System, options => options.ResponseCompression = "gzip");

        var raw = await RawGrpc.SendAsync(server.HttpClient(), TestEchoService.PathOf("Echo"), new ByteArrayContent(RawGrpc.Frame(new EchoRequest { Text = "plain" })));

        Assert.False(raw.Headers.ContainsKey("grpc-encoding"));
        Assert.Equal(0, raw.Body[0]);
    }

    private HttpClient TrustingClient(int port)
    {
        var expected = _certificate.GetCertHashString();
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate?.GetCertHashString() == expected;
        return new HttpClient(handler) { BaseAddress = new Uri($"https://127.0.0.1:{port}") };
    }
}

using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Subscriptions.Grpc.Transport;

/// <summary>A TLS certificate file (PKCS#12) and its password.</summary>
public sealed record GrpcTlsCertificate(string Path, string? Password);

/// <summary>Kestrel endpoints for gRPC.</summary>
public static class GrpcKestrelExtensions
{
    /// <summary>Listens for gRPC: h2c (HTTP/2 only, prior knowledge) without a certificate; TLS with ALPN when one is given.</summary>
    /// <remarks>Over TLS HTTP/1.1 stays negotiable so that an HTTP/1.1 client gets the protocol's 426 answer instead of a failed handshake.</remarks>
    public static KestrelServerOptions ListenGrpc(this KestrelServerOptions kestrel, IPAddress address, int port, GrpcTlsCertificate? certificate = null)
    {
        ArgumentNullException.ThrowIfNull(kestrel);
        ArgumentNullException.ThrowIfNull(address);
        kestrel.Listen(address, port, listen =>
        {
            if (certificate is null)
            {
                listen.Protocols = HttpProtocols.Http2;
                return;
            }

            listen.Protocols = HttpProtocols.Http1AndHttp2;
            listen.UseHttps(certificate.Path, certificate.Password);
        });
        return kestrel;
    }
}

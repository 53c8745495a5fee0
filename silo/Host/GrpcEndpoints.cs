using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Subscriptions.Silo;

/// <summary>The Kestrel endpoints of the gRPC front door.</summary>
internal static class GrpcEndpoints
{
    /// <summary>
    /// gRPC on <paramref name="port"/>: h2c (HTTP/2 only, prior knowledge) without a certificate, TLS with ALPN (HTTP/2 and
    /// HTTP/1.1) with one. gRPC-Web for browsers on <paramref name="webPort"/> when set: HTTP/1.1 (over TLS when a
    /// certificate is given), since Kestrel cannot serve cleartext HTTP/2 and HTTP/1.1 on one port.
    /// </summary>
    public static void Listen(KestrelServerOptions kestrel, IPAddress address, int port, int? webPort, string? certificatePath, string? certificatePassword)
    {
        kestrel.Listen(address, port, listen =>
        {
            if (certificatePath is null)
            {
                listen.Protocols = HttpProtocols.Http2;
                return;
            }

            listen.Protocols = HttpProtocols.Http1AndHttp2;
            listen.UseHttps(certificatePath, certificatePassword);
        });
        if (webPort is { } web)
        {
            kestrel.Listen(address, web, listen =>
            {
                listen.Protocols = HttpProtocols.Http1;
                if (certificatePath is not null)
                {
                    listen.UseHttps(certificatePath, certificatePassword);
                }
            });
        }
    }
}

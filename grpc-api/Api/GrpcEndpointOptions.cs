using Microsoft.Extensions.Configuration;

namespace Subscriptions.Grpc.Api;

/// <summary>
/// The gRPC endpoint's settings (configuration section "Grpc"): message size limits and, for browsers, the gRPC-Web
/// port and the origins allowed to call it. Address, port and certificate are read by the host's Kestrel set-up.
/// </summary>
public sealed class GrpcEndpointOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "Grpc";

    /// <summary>The default largest message, both ways: 4 MiB.</summary>
    public const int DefaultMaxMessageSize = 4 * 1024 * 1024;

    /// <summary>Larger requests are refused with RESOURCE_EXHAUSTED.</summary>
    public int MaxReceiveMessageSize { get; set; } = DefaultMaxMessageSize;

    /// <summary>Larger responses fail with RESOURCE_EXHAUSTED.</summary>
    public int MaxSendMessageSize { get; set; } = DefaultMaxMessageSize;

    /// <summary>The HTTP/1.1 port serving gRPC-Web for browsers, or null for none (the default).</summary>
    public int? WebPort { get; set; }

    /// <summary>Origins allowed to call gRPC-Web from a browser (CORS); none by default.</summary>
    public IList<string> WebCorsOrigins { get; } = [];

    /// <summary>Reads the "Grpc" section; throws naming a bad setting.</summary>
    public static GrpcEndpointOptions From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = new GrpcEndpointOptions();
        configuration.GetSection(SectionName).Bind(options);
        if (options.MaxReceiveMessageSize < 1024 || options.MaxSendMessageSize < 1024)
        {
            throw new InvalidOperationException($"Configuration \"{SectionName}:MaxReceiveMessageSize\" and \"MaxSendMessageSize\" must be at least 1024 bytes.");
        }

        if (options.WebPort is < 0 or > 65535)
        {
            throw new InvalidOperationException($"Configuration \"{SectionName}:WebPort\" is {options.WebPort}; it must be a TCP port (0 picks a free one).");
        }

        return options;
    }
}

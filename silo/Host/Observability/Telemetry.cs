using Npgsql;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Subscriptions.Domain;
using Subscriptions.Grains.Infrastructure;

namespace Subscriptions.Silo.Observability;

/// <summary>
/// Where OpenTelemetry data goes (configuration section "OpenTelemetry"): OTLP export of metrics and traces when
/// <c>OpenTelemetry:OtlpEndpoint</c> (or the standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> variable) names a collector.
/// </summary>
public sealed record TelemetryOptions(bool Otlp, Uri? OtlpEndpoint, OtlpExportProtocol Protocol)
{
    /// <summary>The configuration section the options are read from.</summary>
    public const string SectionName = "OpenTelemetry";

    /// <summary>The standard variable the OTLP exporter reads its endpoint from when the service's own setting is unset.</summary>
    public const string StandardEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>
    /// Reads the options; throws naming the setting when <c>OpenTelemetry:OtlpEndpoint</c> is not an absolute http(s)
    /// URL or <c>OpenTelemetry:OtlpProtocol</c> is neither "grpc" nor "http/protobuf".
    /// </summary>
    public static TelemetryOptions From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(SectionName);
        var protocol = section["OtlpProtocol"] switch
        {
            null or "" or "grpc" => OtlpExportProtocol.Grpc,
            "http/protobuf" => OtlpExportProtocol.HttpProtobuf,
            var other => throw new InvalidOperationException($"OpenTelemetry:OtlpProtocol {Quoted.Of(other)} is not \"grpc\" or \"http/protobuf\"."),
        };
        if (section["OtlpEndpoint"] is { Length: > 0 } configured)
        {
            return Uri.TryCreate(configured, UriKind.Absolute, out var endpoint) && endpoint.Scheme is "http" or "https"
                ? new TelemetryOptions(true, endpoint, protocol)
                : throw new InvalidOperationException(
                    $"OpenTelemetry:OtlpEndpoint {Quoted.Of(configured)} is not an absolute http(s) URL (e.g. http://127.0.0.1:4317 for OTLP over gRPC).");
        }

        // The exporter reads the standard variables (endpoint, protocol, headers) itself.
        return new TelemetryOptions(!string.IsNullOrWhiteSpace(configuration[StandardEndpointVariable]), null, protocol);
    }
}

/// <summary>
/// OpenTelemetry in the silo. Metrics — Orleans' own meter, ASP.NET Core's (gRPC calls are its requests, by route), Npgsql, the .NET runtime
/// and the service's <see cref="BillingMetrics"/> — are collected when something reads them: the ops port's
/// <c>/metrics</c> (Prometheus) or an OTLP collector. Traces — a gRPC call, its grain calls (Orleans' activity
/// propagation) and their SQL commands — only when an OTLP collector is configured, since nothing else reads them.
/// </summary>
public static class Telemetry
{
    /// <summary>The service name in the telemetry's resource.</summary>
    public const string ServiceName = "subscriptions";

    /// <summary>Orleans' meter.</summary>
    public const string OrleansMeter = "Microsoft.Orleans";

    /// <summary>The activity sources of Orleans' grain calls.</summary>
    public static IReadOnlyList<string> OrleansActivitySources { get; } = ["Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application"];

    /// <summary>True when traces are exported (an OTLP collector is configured): the silo then propagates activities across grain calls.</summary>
    public static bool Traces(TelemetryOptions telemetry)
    {
        ArgumentNullException.ThrowIfNull(telemetry);
        return telemetry.Otlp;
    }

    /// <summary>Adds OpenTelemetry for what reads it: Prometheus on the ops port (<paramref name="ops"/>), OTLP per <paramref name="telemetry"/>; nothing when neither is on.</summary>
    public static void Add(IServiceCollection services, TelemetryOptions telemetry, OpsPortOptions? ops, SiloSettings settings)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(telemetry);
        ArgumentNullException.ThrowIfNull(settings);
        if (ops is null && !telemetry.Otlp)
        {
            return;
        }

        var builder = services.AddOpenTelemetry().ConfigureResource(resource => resource.AddService(
            ServiceName, serviceVersion: typeof(Telemetry).Assembly.GetName().Version?.ToString(), serviceInstanceId: $"{settings.AdvertisedAddress}:{settings.SiloPort}"));
        builder.WithMetrics(metrics =>
        {
            metrics.AddMeter(BillingMetrics.MeterName, OrleansMeter)
                .AddAspNetCoreInstrumentation()
                .AddRuntimeInstrumentation()
                .AddNpgsqlInstrumentation();
            if (ops is not null)
            {
                // Every scrape collects afresh: a scrape right after a change shows it (the exporter caches for 300 ms by default).
                metrics.AddPrometheusExporter(prometheus => prometheus.ScrapeResponseCacheDurationMilliseconds = 0);
            }

            if (telemetry.Otlp)
            {
                metrics.AddOtlpExporter(otlp => Configure(otlp, telemetry, "v1/metrics"));
            }
        });
        if (Traces(telemetry))
        {
            builder.WithTracing(tracing => tracing
                .AddAspNetCoreInstrumentation(aspNetCore => aspNetCore.Filter = context => ops is null || context.Connection.LocalPort != ops.Port)
                .AddSource([.. OrleansActivitySources])
                .AddNpgsql()
                .AddOtlpExporter(otlp => Configure(otlp, telemetry, "v1/traces")));
        }
    }

    /// <summary>The service's own endpoint setting, when given; otherwise the exporter keeps what it read from the standard variables.</summary>
    private static void Configure(OtlpExporterOptions otlp, TelemetryOptions telemetry, string signalPath)
    {
        if (telemetry.OtlpEndpoint is not { } endpoint)
        {
            return;
        }

        otlp.Protocol = telemetry.Protocol;
        otlp.Endpoint = telemetry.Protocol == OtlpExportProtocol.HttpProtobuf ? new Uri($"{endpoint.AbsoluteUri.TrimEnd('/')}/{signalPath}") : endpoint;
    }
}

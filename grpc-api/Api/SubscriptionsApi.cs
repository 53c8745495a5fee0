using Grpc.AspNetCore.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Subscriptions.Domain.Catalog;
using Subscriptions.Grpc.Api.Accounts;
using Subscriptions.Grpc.Api.Auth;
using Subscriptions.Grpc.Api.Documents;
using Subscriptions.Grpc.Api.Edge;
using Subscriptions.Grpc.Api.Errors;
using Subscriptions.Grpc.Api.Invoices;
using Subscriptions.Grpc.Api.Ops;
using Subscriptions.Grpc.Api.Quotes;
using Subscriptions.Grpc.Api.SubscriptionLifecycle;

namespace Subscriptions.Grpc.Api;

/// <summary>
/// The host's entry points: <see cref="AddSubscriptionsApi"/> registers Grpc.AspNetCore with the API's two
/// interceptors (errors outermost, then the edge: token, field limits, ACC-2 rule), bearer tokens, reflection, gRPC
/// health and CORS for gRPC-Web; <see cref="MapSubscriptionsApi"/> maps the six subscriptions.v1 services, health and
/// reflection. The grain factory and storage come from the grain runtime; health checks are added by the host.
/// </summary>
public static class SubscriptionsApi
{
    /// <summary>The CORS policy gRPC-Web calls from browsers go through (origins from <see cref="GrpcEndpointOptions.WebCorsOrigins"/>).</summary>
    public const string WebCorsPolicy = "grpc-web";

    /// <summary>The six subscriptions.v1 service classes, as mapped.</summary>
    public static IReadOnlyList<Type> ServiceTypes { get; } =
        [typeof(AccountService), typeof(SubscriptionService), typeof(InvoiceService), typeof(QuoteService), typeof(OpsService), typeof(TestClockService)];

    /// <summary>Adds gRPC, the interceptors, bearer tokens, reflection, gRPC health, CORS and the API's options and catalog.</summary>
    public static IServiceCollection AddSubscriptionsApi(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var options = configuration.GetSection(SubscriptionsApiOptions.SectionName).Get<SubscriptionsApiOptions>() ?? new SubscriptionsApiOptions();
        options.Validate();
        var endpoint = GrpcEndpointOptions.From(configuration);
        services.AddSingleton(options);
        services.AddSingleton(endpoint);
        var documents = new DocumentOptions();
        configuration.GetSection(DocumentOptions.SectionName).Bind(documents);
        services.AddSingleton(documents);
        services.AddSingleton<InvoiceDocument>();
        services.TryAddSingleton(_ => CatalogLoader.LoadDefault());
        services.AddGrpcStandardServices(endpoint);
        services.TryAddSingleton(TimeProvider.System);
        services.AddBearerTokens(configuration);
        return services;
    }

    /// <summary>
    /// Grpc.AspNetCore with the error and edge interceptors and the message size limits, reflection, gRPC health
    /// (backed by the host's ASP.NET Core health checks, run on every Check) and CORS for gRPC-Web.
    /// </summary>
    public static IServiceCollection AddGrpcStandardServices(this IServiceCollection services, GrpcEndpointOptions endpoint)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(endpoint);
        services.AddGrpc(grpc =>
        {
            grpc.Interceptors.Add<ErrorInterceptor>();
            grpc.Interceptors.Add<EdgeInterceptor>();
            grpc.MaxReceiveMessageSize = endpoint.MaxReceiveMessageSize;
            grpc.MaxSendMessageSize = endpoint.MaxSendMessageSize;
            grpc.EnableDetailedErrors = false;
        }).AddServiceOptions<Ops.OpsService>(ops => ops.Interceptors.Add<Ops.OpsReadAuditInterceptor>()); // every ops call is audited (ACC-7)
        services.AddStrictRequestParsing();

        // Grpc.AspNetCore logs every refused call (Information, with a stack trace) and every request it could not read
        // (Error): the error interceptor logs what the service failed at, and the edge one line per unreadable request.
        services.AddLogging(logging => logging
            .AddFilter("Grpc.AspNetCore.Server.ServerCallHandler", LogLevel.Critical)
            .AddFilter("Grpc.AspNetCore.Server", LogLevel.Warning));
        services.AddGrpcReflection();
        services.AddGrpcHealthChecks(health => health.Services.Map("", _ => true)).AddCheck("grpc", () => Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult.Healthy("gRPC is served"));
        services.AddCors(cors => cors.AddPolicy(WebCorsPolicy, policy => policy
            .WithOrigins([.. endpoint.WebCorsOrigins])
            .AllowAnyHeader()
            .WithMethods("POST", "OPTIONS")
            .WithExposedHeaders("grpc-status", "grpc-message", "grpc-status-details-bin", "grpc-encoding", "grpc-accept-encoding")));
        return services;
    }

    /// <summary>Maps the six subscriptions.v1 services, health and reflection, with gRPC-Web and CORS on all of them.</summary>
    public static IEndpointRouteBuilder MapSubscriptionsApi(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseGrpcStandardMiddleware();
        Finish(app.MapGrpcService<AccountService>());
        Finish(app.MapGrpcService<SubscriptionService>());
        Finish(app.MapGrpcService<InvoiceService>());
        Finish(app.MapGrpcService<QuoteService>());
        Finish(app.MapGrpcService<OpsService>());
        Finish(app.MapGrpcService<TestClockService>());
        app.MapGrpcStandardServices();
        return app;
    }

    /// <summary>Routing, CORS and gRPC-Web, in the order they must run.</summary>
    public static WebApplication UseGrpcStandardMiddleware(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseRequestFramingAnswers();
        app.UseRouting();
        app.UseCors();
        app.UseGrpcWeb(new GrpcWebOptions { DefaultEnabled = true });
        return app;
    }

    /// <summary>Maps grpc.health.v1 and server reflection (v1 and v1alpha), anonymous.</summary>
    public static void MapGrpcStandardServices(this IEndpointRouteBuilder app)
    {
        Finish(app.MapGrpcHealthChecksService());
        Finish(app.MapGrpcReflectionService());
    }

    private static void Finish(IEndpointConventionBuilder builder) => builder.RequireCors(WebCorsPolicy);
}

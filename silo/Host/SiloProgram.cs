using System.Net;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Dashboard;
using Subscriptions.Domain.Catalog;
using Subscriptions.Grains.Infrastructure;
using Subscriptions.Grains.Payments;
using Subscriptions.Grpc.Api;
using Subscriptions.Grpc.Api.Auth;
using Subscriptions.Silo.Notifications;
using Subscriptions.Silo.Observability;
using Subscriptions.Storage;
using Subscriptions.Storage.Payments;

namespace Subscriptions.Silo;

/// <summary>
/// The silo process. Commands: <c>run</c> (default) serves gRPC and runs the grains; <c>migrate</c> applies pending
/// schema migrations and exits; <c>token</c> mints a development bearer token.
/// </summary>
public static class SiloProgram
{
    /// <summary>Exit code when PostgreSQL cannot be reached at start-up.</summary>
    public const int DatabaseUnreachable = 3;

    /// <summary>Exit code when the database schema does not match this release.</summary>
    public const int SchemaMismatch = 4;

    /// <summary>Exit code for a bad command line or configuration.</summary>
    public const int BadConfiguration = 2;

    /// <summary>Runs the command in <paramref name="args"/>; messages for the operator go to <paramref name="output"/> and <paramref name="error"/> (the console by default).</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter? output = null, TextWriter? error = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        output ??= Console.Out;
        error ??= Console.Error;
        var command = args.Length > 0 && !args[0].StartsWith('-') ? args[0] : "run";
        var rest = args.Length > 0 && !args[0].StartsWith('-') ? args[1..] : args;
        if (rest.Any(a => a is "--help" or "-h" or "-?"))
        {
            // Help is asked for, never a start: the usage of the command named, or of them all.
            return command switch
            {
                "token" => TokenUsage(output),
                "run" or "migrate" or "rebuild-projections" or "help" => Usage(output, 0),
                _ => Usage(error, BadConfiguration),
            };
        }

        try
        {
            if (command is "run" or "migrate" or "rebuild-projections")
            {
                KnownSettings.Check(Configuration(rest));
            }

            return command switch
            {
                "run" => await ServeAsync(rest),
                "migrate" => await MigrateAsync(rest, output),
                "rebuild-projections" => await RebuildProjectionsAsync(rest, output),
                "token" => MintToken(rest, output),
                "help" or "--help" => Usage(output, 0),
                _ => Usage(error, BadConfiguration),
            };
        }
        catch (DatabaseUnavailableException e)
        {
            await error.WriteLineAsync($"subscriptions-silo: {e.Message}");
            return DatabaseUnreachable;
        }
        catch (SchemaMismatchException e)
        {
            await error.WriteLineAsync($"subscriptions-silo: {e.Message}");
            return SchemaMismatch;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or OptionsValidationException or CatalogFormatException or IOException)
        {
            await error.WriteLineAsync($"subscriptions-silo: configuration error: {e.Message}");
            return BadConfiguration;
        }
    }

    /// <summary>
    /// Builds the web application that hosts the silo and the gRPC front door, and, when configured, the ops port (the
    /// Orleans Dashboard and Prometheus metrics) and OTLP export (docs/observability.md).
    /// </summary>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        configure?.Invoke(builder);
        var configuration = builder.Configuration;
        KnownSettings.Check(configuration);
        var settings = SiloSettings.From(configuration);
        var grpc = configuration.GetSection("Grpc");
        var endpoint = GrpcEndpointOptions.From(configuration);
        var certificate = grpc["CertificatePath"] is { Length: > 0 } path ? path : null;
        var address = GrpcAddress(grpc["Address"]);
        var port = grpc.GetValue("Port", 5080);
        if (port is < 0 or > 65535)
        {
            throw new InvalidOperationException($"Configuration \"Grpc:Port\" is {port}; it must be a TCP port, 0 to 65535 (0 picks a free one).");
        }

        var ops = OpsPortOptions.From(configuration);
        var telemetry = TelemetryOptions.From(configuration);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            GrpcEndpoints.Listen(kestrel, address, port, endpoint.WebPort, certificate, grpc["CertificatePassword"]);
            if (ops is not null)
            {
                OpsPages.Listen(kestrel, ops);
            }
        });

        // One data source for the service: Orleans' providers, the grains' records, health and the outbox.
        var dataSource = ServiceDataSource.Create(settings.ConnectionString);
        builder.Services.AddSingleton(settings);
        builder.Services.AddHostedService<DatabaseStartup>();
        builder.Services.AddSingleton((configuration.GetSection(GrainRecordOptions.SectionName).Get<GrainRecordOptions>() ?? new GrainRecordOptions()).Validate());
        builder.Services.AddSingleton(configuration.GetSection(PaymentOptions.SectionName).Get<PaymentOptions>() ?? new PaymentOptions());
        builder.UseOrleans(silo =>
        {
            silo.UseSubscriptionsCluster(dataSource, settings);
            if (Telemetry.Traces(telemetry))
            {
                silo.AddActivityPropagation();
            }

            if (ops is not null)
            {
                // The dashboard's live log stream is off: the log goes to the log's own sinks, not to a browser.
                silo.AddDashboard(dashboard => dashboard.HideTrace = true);
            }
        });
        Telemetry.Add(builder.Services, telemetry, ops, settings);
        builder.Services.AddNotifications(configuration);
        builder.Services.AddHostedService<AnsweredRequestPruning>();
        builder.Services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("postgresql")
            .AddCheck<SiloHealthCheck>("silo");
        builder.Services.Configure<HealthCheckPublisherOptions>(publisher =>
        {
            // Watchers get their first status from the checks Check runs; the publisher starts one period after start-up.
            publisher.Delay = DatabaseHealthOptions.From(configuration).Interval;
            publisher.Period = DatabaseHealthOptions.From(configuration).Interval;
        });
        SiloComposition.AddServices(builder.Services, configuration);

        var app = builder.Build();
        if (ops is not null)
        {
            OpsPages.Map(app, ops);
        }

        SiloComposition.MapServices(app);
        return app;
    }

    /// <summary>
    /// The configuration the commands read, assembled as the host assembles its own: appsettings.json and
    /// appsettings.{environment}.json next to the program, then environment variables, then the command line.
    /// </summary>
    public static IConfiguration Configuration(string[] args)
    {
        var environment = Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT")
            ?? Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT")
            ?? Environments.Production;
        return new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddJsonFile($"appsettings.{environment}.json", optional: true)
            .AddEnvironmentVariables()
            .AddCommandLine(args)
            .Build();
    }

    private static async Task<int> ServeAsync(string[] args)
    {
        var configuration = Configuration(args);
        await PortCheck.RequireFreeAsync(configuration, SiloSettings.From(configuration));
        await using var app = Build(args);
        if (app.Services.GetService<IPaymentGateway>() is SimulatedPaymentGateway)
        {
            // Development and tests only: the simulator decides by token and moves no money.
            app.Logger.LogWarning("Payments go to the simulated payment gateway (docs/api.md): invoices are marked paid but no money moves. Register a real IPaymentGateway in production.");
        }

        await app.RunAsync();
        return 0;
    }

    private static async Task<int> MigrateAsync(string[] args, TextWriter output)
    {
        var settings = SiloSettings.From(Configuration(args));
        await using var dataSource = ServiceDataSource.Create(settings.ConnectionString);
        var applied = await MigrationRunner.ApplyAsync(dataSource, SchemaMigrations.All);
        await output.WriteLineAsync(applied.Count == 0
            ? "The schema is up to date."
            : $"Applied {applied.Count} migration(s): {string.Join(", ", applied.Select(m => $"{m.Version:D4}_{m.Name}"))}.");
        if (await new Subscriptions.Storage.Grains.OpsProjectionTable(dataSource, TimeSpan.Zero)
            .EnsureBuiltAsync(Subscriptions.Storage.Grains.GrainRecordSerializer.Create(), CancellationToken.None) is { } rows)
        {
            await output.WriteLineAsync($"Built the ops projection from the stored grains: {rows} row(s).");
        }
        return 0;
    }

    /// <summary>
    /// Computes the ops projection again from the stored grain records (docs/ops.md), printing its progress; safe while
    /// silos run, since a row is only replaced by one of a later record version.
    /// </summary>
    private static async Task<int> RebuildProjectionsAsync(string[] args, TextWriter output)
    {
        var settings = SiloSettings.From(Configuration(args));
        await using var dataSource = ServiceDataSource.Create(settings.ConnectionString);
        await MigrationRunner.ApplyAsync(dataSource, SchemaMigrations.All);
        var table = new Subscriptions.Storage.Grains.OpsProjectionTable(dataSource, new GrainRecordOptions().WakeRetryPeriod);
        var started = System.Diagnostics.Stopwatch.StartNew();
        var progress = new RebuildProgressPrinter(output);
        var written = await table.RebuildAsync(Subscriptions.Storage.Grains.GrainRecordSerializer.Create(), progress, batchSize: 1000, CancellationToken.None);
        await table.MarkBuiltAsync(written, CancellationToken.None);
        progress.Finish();
        await output.WriteLineAsync($"Rebuilt {written} projection row(s) in {started.Elapsed.TotalSeconds:F1} s.");
        return 0;
    }

    /// <summary>Mints a token with the configured signing key; the token's own options (--sub, --role…) are not configuration.</summary>
    private static int MintToken(string[] args, TextWriter output)
    {
        var options = Configuration([]).GetSection(TokenOptions.SectionName).Get<TokenOptions>() ?? new TokenOptions();
        options.GetValidatedKey();
        return DevTokenCommand.Run(args, options, output);
    }

    private static IPAddress GrpcAddress(string? configured) =>
        string.IsNullOrEmpty(configured) ? IPAddress.Any
        : IPAddress.TryParse(configured, out var address) ? address
        : throw new ArgumentException($"Grpc:Address \"{configured}\" is not an IP address (e.g. 127.0.0.1, 0.0.0.0 or ::).", nameof(configured));

    private static int TokenUsage(TextWriter output)
    {
        output.WriteLine(DevTokenCommand.Usage);
        return 0;
    }

    private static int Usage(TextWriter output, int exitCode)
    {
        output.WriteLine("""
            usage: subscriptions-silo [run] [--Key=Value ...]     serve gRPC and run the grains (default)
                   subscriptions-silo migrate                    apply pending schema migrations and exit
                   subscriptions-silo rebuild-projections        compute the ops projection again from the stored grains
                                                                 (safe while silos run; prints its progress)
                   subscriptions-silo token --sub ID --role ROLE [--role ROLE ...] [--name NAME] [--ttl 8h]
                                                                 mint a development bearer token
                                                                 (signed with Auth:SigningKey of the current environment)
            ops pages:     --Ops:Port=9464 [--Ops:Address=127.0.0.1]     the Orleans Dashboard (/dashboard/) and Prometheus metrics
                                                                 (/metrics) on an HTTP port of their own, for ops tokens;
                                                                 off while Ops:Port is unset (docs/observability.md)
            telemetry:     --OpenTelemetry:OtlpEndpoint=URL [--OpenTelemetry:OtlpProtocol=grpc|http/protobuf]
                                                                 export metrics and traces over OTLP (or OTEL_EXPORTER_OTLP_ENDPOINT)
            configuration: appsettings.json, appsettings.{ASPNETCORE_ENVIRONMENT}.json, environment variables
                           (ConnectionStrings__Subscriptions, Grpc__Port, Auth__SigningKey, ...), then --Section:Key=value
            """);
        return exitCode;
    }
}

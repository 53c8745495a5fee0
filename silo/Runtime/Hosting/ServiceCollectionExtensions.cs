using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Subscriptions.Runtime;

/// <summary>Registers a silo's grain runtime in a service collection.</summary>
public static class ServiceCollectionExtensions
{
    /// <summary>
    /// Adds the grain runtime: storage on one NpgsqlDataSource, reminders, test clocks, the grain classes registered by
    /// <paramref name="grains"/>, and the migrations embedded in <paramref name="migrationAssemblies"/> (besides the runtime's).
    /// </summary>
    public static IServiceCollection AddGrainRuntime(
        this IServiceCollection services,
        GrainRuntimeOptions options,
        Action<GrainTypeRegistry> grains,
        params Assembly[] migrationAssemblies)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(grains);
        options.Validate();
        var registry = new GrainTypeRegistry();
        grains(registry);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(options);
        services.AddSingleton(registry);
        services.AddSingleton(_ => new NpgsqlDataSourceBuilder(options.ConnectionString).Build());
        services.AddSingleton(new MigrationSet(
            new[] { typeof(GrainRuntime).Assembly }.Concat(migrationAssemblies).Distinct().SelectMany(Migration.FromAssembly)));
        services.AddSingleton<GrainSerializer>();
        services.AddSingleton<GrainStorage>();
        services.AddSingleton<ClockRegistry>();
        services.AddSingleton<GrainRuntime>();
        services.AddSingleton<IGrainFactory>(sp => sp.GetRequiredService<GrainRuntime>());
        services.AddSingleton<ReminderService>();
        services.AddSingleton<WriteListener>();
        services.AddSingleton<WriteNotifier>();
        services.AddSingleton<OutboxDispatcher>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IOutboxSink, LoggingOutboxSink>());
        services.AddSingleton<Silo>();
        services.AddHostedService(sp => sp.GetRequiredService<Silo>());
        return services;
    }
}

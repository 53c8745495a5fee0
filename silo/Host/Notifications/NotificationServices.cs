using Subscriptions.Grpc.Api.Ops;
using Subscriptions.Storage.Notifications;

namespace Subscriptions.Silo.Notifications;

/// <summary>Registers outbound notification delivery (NOT-1) from the "Notifications" configuration section.</summary>
public static class NotificationServices
{
    /// <summary>The named HTTP client webhooks are POSTed with.</summary>
    public const string WebhookClient = "webhooks";

    /// <summary>Adds the configured sinks (the log unless turned off, each webhook), the sender and the ops view of deliveries.</summary>
    public static IServiceCollection AddNotifications(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var options = new NotificationOptions();
        configuration.GetSection(NotificationOptions.SectionName).Bind(options);
        options.Validate();
        services.AddSingleton(options);
        if (options.Log)
        {
            services.AddSingleton<INotificationSink, LoggingNotificationSink>();
        }

        services.AddHttpClient(WebhookClient);
        foreach (var hook in options.Webhooks)
        {
            services.AddSingleton<INotificationSink>(provider => new WebhookNotificationSink(
                hook, provider.GetRequiredService<IHttpClientFactory>().CreateClient(WebhookClient), provider.GetRequiredService<TimeProvider>()));
        }

        services.AddSingleton<NotificationTables>();
        services.AddSingleton<INotificationDeliveries, NotificationDeliveries>();
        services.AddHostedService<NotificationSender>();
        services.AddHostedService<NotificationPruning>();
        return services;
    }
}

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Subscriptions.Grpc.Api.Edge;

/// <summary>
/// A call whose request the gRPC server could not read (a frame header with a bad compressed flag or a length past
/// 2 GiB, a compressed message that does not decompress or names no encoding, a message cut short or followed by more
/// data) is answered by Grpc.AspNetCore before any service code runs, with UNKNOWN or INTERNAL. It is the client's bad
/// input, not the service's failure: this middleware answers it INVALID_ARGUMENT ("the request could not be read as
/// one gRPC message …") and logs one warning line, so nothing the client sends gets INTERNAL or UNKNOWN. A call that
/// reached the service's interceptors keeps whatever status they gave.
/// </summary>
public static partial class RequestFraming
{
    /// <summary>The status message of a request that could not be read.</summary>
    public const string Message = "the request could not be read as one gRPC message (frame header, length, compression or trailing data); nothing was read or applied";

    private static readonly object ReachedKey = new();

    /// <summary>Marks the call as read: its request reached the service's interceptors, whose status stands.</summary>
    public static void MarkReached(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Items[ReachedKey] = true;
    }

    /// <summary>Adds the middleware; it must run before the gRPC endpoints (after routing is fine).</summary>
    public static IApplicationBuilder UseRequestFramingAnswers(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var logger = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(RequestFraming).FullName!);
        return app.Use(async (context, next) =>
        {
            if (context.Request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) == true)
            {
                context.Response.OnStarting(() =>
                {
                    Rewrite(context, logger);
                    return Task.CompletedTask;
                });
            }

            await next(context);
        });
    }

    private static void Rewrite(HttpContext context, ILogger logger)
    {
        var headers = context.Response.Headers;
        if (context.Items.ContainsKey(ReachedKey) || headers["grpc-status"].ToString() is not ("2" or "13"))
        {
            return;
        }

        var original = headers["grpc-message"].ToString();
        headers["grpc-status"] = "3";
        headers["grpc-message"] = Uri.EscapeDataString(Message);
        LogUnreadable(logger, context.Request.Path, original.Length <= 200 ? Uri.UnescapeDataString(original) : "");
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a call to {Path} whose request could not be read as one gRPC message ({Reason}); answered INVALID_ARGUMENT")]
    private static partial void LogUnreadable(ILogger logger, string path, string reason);
}

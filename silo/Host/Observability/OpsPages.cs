using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Orleans.Dashboard;

namespace Subscriptions.Silo.Observability;

/// <summary>
/// The ops port's pages: the Orleans Dashboard under <c>/dashboard/</c>, Prometheus metrics at <c>/metrics</c>, and
/// <c>/login</c> and <c>/logout</c> for browsers. Requests are told apart by the local port they arrived on (not by
/// their Host header, which a client chooses): on the ops port only these paths are served, none of the API's (not
/// even gRPC-Web, which HTTP/1.1 would carry); on the API's ports none of these are. Every ops page except the login
/// needs an ops token (<see cref="OpsAccess"/>).
/// </summary>
public static class OpsPages
{
    /// <summary>Where the Orleans Dashboard is mounted.</summary>
    public const string DashboardPath = "/dashboard";

    /// <summary>The Prometheus scraping endpoint.</summary>
    public const string MetricsPath = "/metrics";

    /// <summary>The browser login: a form, or <c>?token=</c>, that sets the ops cookie.</summary>
    public const string LoginPath = "/login";

    /// <summary>Drops the ops cookie.</summary>
    public const string LogoutPath = "/logout";

    /// <summary>
    /// The dashboard's grain state reader: refused, since it would activate any grain and read its state unaudited;
    /// ops read grain state through OpsService (<c>subs inspect</c>), where every read is audited.
    /// </summary>
    private const string GrainStatePath = DashboardPath + "/GrainState";

    /// <summary>The ops port's endpoint: HTTP/1.1 without TLS, on <see cref="OpsPortOptions.Address"/> (loopback by default).</summary>
    public static void Listen(KestrelServerOptions kestrel, OpsPortOptions ops)
    {
        ArgumentNullException.ThrowIfNull(kestrel);
        ArgumentNullException.ThrowIfNull(ops);
        kestrel.Listen(ops.Address, ops.Port, listen => listen.Protocols = HttpProtocols.Http1);
    }

    /// <summary>
    /// Adds the port filter and the ops authentication in front of everything else of <paramref name="app"/>, and maps
    /// the ops pages. Call before the API's middleware, so that the filter runs first.
    /// </summary>
    public static void Map(WebApplication app, OpsPortOptions ops)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(ops);
        var access = new OpsAccess(app.Services.GetRequiredService<Grpc.Api.Auth.TokenOptions>(), app.Services.GetRequiredService<TimeProvider>());
        app.Use(async (context, next) =>
        {
            var onOpsPort = context.Connection.LocalPort == ops.Port;
            var path = context.Request.Path;
            if (onOpsPort != IsOpsPath(path))
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }

            if (!onOpsPort)
            {
                await next(context);
                return;
            }

            context.Response.Headers.XFrameOptions = "DENY";
            context.Response.Headers["Referrer-Policy"] = "no-referrer";
            context.Response.Headers["X-Content-Type-Options"] = "nosniff";
            if (path.Equals(LoginPath, StringComparison.Ordinal) || path.Equals(LogoutPath, StringComparison.Ordinal))
            {
                await next(context);
                return;
            }

            var token = OpsAccess.TokenOf(context.Request);
            var check = token is null ? new OpsCheck(StatusCodes.Status401Unauthorized, "missing ops token", null) : await access.CheckAsync(token);
            if (!check.Allowed)
            {
                await RefuseAsync(context, check);
                return;
            }

            if (path.StartsWithSegments(GrainStatePath, StringComparison.OrdinalIgnoreCase))
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                await context.Response.WriteAsync("Grain state is read through OpsService (subs inspect), where every read is audited, not through the dashboard.\n");
                return;
            }

            await next(context);
        });

        app.MapGet("/", () => Results.Redirect(DashboardPath + "/"));
        app.MapGet(LoginPath, async (HttpContext context) =>
        {
            if (context.Request.Query["token"].ToString() is { Length: > 0 } token)
            {
                await LoginAsync(context, access, token);
                return;
            }

            await WriteLoginPageAsync(context, StatusCodes.Status200OK, null);
        });
        app.MapPost(LoginPath, async (HttpContext context) =>
        {
            var token = context.Request.HasFormContentType ? (await context.Request.ReadFormAsync(context.RequestAborted))["token"].ToString().Trim() : "";
            await LoginAsync(context, access, token);
        });
        app.MapMethods(LogoutPath, [HttpMethods.Get, HttpMethods.Post], (HttpContext context) =>
        {
            context.Response.Cookies.Delete(OpsAccess.CookieName, new CookieOptions { Path = "/", HttpOnly = true, SameSite = SameSiteMode.Strict, Secure = context.Request.IsHttps });
            return Results.Redirect(LoginPath);
        });
        app.MapOrleansDashboard(DashboardPath);
        app.MapPrometheusScrapingEndpoint(MetricsPath);
    }

    /// <summary>True for the paths the ops port serves.</summary>
    public static bool IsOpsPath(PathString path) =>
        path == "/" || path == LoginPath || path == LogoutPath || path == MetricsPath || path.StartsWithSegments(DashboardPath, StringComparison.Ordinal);

    /// <summary>A browser without a token is sent to the login page; anything else gets the status and the reason.</summary>
    private static async Task RefuseAsync(HttpContext context, OpsCheck check)
    {
        var browser = HttpMethods.IsGet(context.Request.Method) && context.Request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase);
        if (browser && check.Status == StatusCodes.Status401Unauthorized)
        {
            await WriteLoginPageAsync(context, StatusCodes.Status401Unauthorized, OpsAccess.TokenOf(context.Request) is null ? null : check.Reason);
            return;
        }

        context.Response.StatusCode = check.Status;
        if (check.Status == StatusCodes.Status401Unauthorized)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer realm=\"subscriptions-ops\"";
        }

        await context.Response.WriteAsync($"{check.Reason}\n");
    }

    /// <summary>Checks the token; an ops token becomes the HttpOnly cookie (until the token expires) and the browser goes to the dashboard.</summary>
    private static async Task LoginAsync(HttpContext context, OpsAccess access, string token)
    {
        var check = token.Length == 0 ? new OpsCheck(StatusCodes.Status401Unauthorized, "no token was given", null) : await access.CheckAsync(token);
        if (!check.Allowed)
        {
            await WriteLoginPageAsync(context, check.Status, check.Reason);
            return;
        }

        context.Response.Cookies.Append(OpsAccess.CookieName, token, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = context.Request.IsHttps,
            Path = "/",
            Expires = check.ExpiresUtc is { } expires ? new DateTimeOffset(DateTime.SpecifyKind(expires, DateTimeKind.Utc)) : null,
            IsEssential = true,
        });
        context.Response.Headers.CacheControl = "no-store";
        context.Response.StatusCode = StatusCodes.Status303SeeOther;
        context.Response.Headers.Location = DashboardPath + "/";
    }

    private static async Task WriteLoginPageAsync(HttpContext context, int status, string? problem)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/html; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'";
        var message = problem is null ? "" : $"<p class=\"problem\">Not signed in: {WebUtility.HtmlEncode(problem)}.</p>";
        await context.Response.WriteAsync($$"""
            <!doctype html>
            <html lang="en">
            <head><meta charset="utf-8"><title>Subscriptions ops sign-in</title>
            <style>body{font-family:sans-serif;max-width:40em;margin:4em auto}input{width:100%}.problem{color:#a00}</style></head>
            <body>
            <h1>Subscriptions ops</h1>
            <p>The dashboard and metrics need a token with the ops role (<code>bash scripts/token.sh --sub NAME --role ops</code>).</p>
            {{message}}
            <form method="post" action="{{LoginPath}}">
            <p><label for="token">Ops token</label><br><input id="token" name="token" type="password" autocomplete="off" required></p>
            <p><button type="submit">Sign in</button></p>
            </form>
            </body>
            </html>

            """);
    }
}

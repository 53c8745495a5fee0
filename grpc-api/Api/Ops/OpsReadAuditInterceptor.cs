using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Logging;
using Subscriptions.Grains.Ops;
using Subscriptions.Grpc.Api.Auth;
using Subscriptions.Grpc.Api.Errors;

namespace Subscriptions.Grpc.Api.Ops;

/// <summary>
/// Audits every call to the ops service as an ops read (ACC-7): once the call is answered, who called which method, on
/// which account (the request's <c>account_id</c>, or the account part of an inspected grain's key), the request and its
/// status. A read that cannot be audited is not answered: the call fails UNAVAILABLE, as the database it needs is.
/// Runs inside the edge interceptor, so only authenticated ops and service callers reach it.
/// </summary>
public sealed class OpsReadAuditInterceptor(IOpsReadAudit audit, TimeProvider time, ILogger<ErrorInterceptor> logger) : Interceptor
{
    private static readonly JsonFormatter Json = new(JsonFormatter.Settings.Default.WithFormatDefaultValues(false));

    /// <inheritdoc />
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        ArgumentNullException.ThrowIfNull(context);
        TResponse response;
        try
        {
            response = await continuation(request, context);
        }
        catch (Exception e)
        {
            var status = e as RpcException ?? new ErrorInterceptor(logger).Map(e, context);
            await RecordAsync(request, context, status.StatusCode.ToString(), rethrowing: true);
            throw status;
        }

        // Recorded whatever the caller's deadline: a correction it made is committed already.
        await RecordAsync(request, context, nameof(StatusCode.OK), rethrowing: false);
        return response;
    }

    /// <inheritdoc />
    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        ArgumentNullException.ThrowIfNull(context);

        // A stream is audited when it opens ("Streaming": it may run for hours), and again if it ends with an error.
        await RecordAsync(request, context, "Streaming", rethrowing: false);
        try
        {
            await continuation(request, responseStream, context);
        }
        catch (Exception e) when (!context.CancellationToken.IsCancellationRequested)
        {
            var status = e as RpcException ?? new ErrorInterceptor(logger).Map(e, context);
            await RecordAsync(request, context, status.StatusCode.ToString(), rethrowing: true);
            throw status;
        }
    }

    private async Task RecordAsync<TRequest>(TRequest request, ServerCallContext context, string status, bool rethrowing)
    {
        var message = request as IMessage;
        var read = new OpsRead(
            time.GetUtcNow(), EdgeInterceptor.Caller(context).Subject, context.Method, message is null ? null : AccountOf(message),
            message is null ? "" : Json.Format(message), status);
        try
        {
            await audit.RecordAsync(read, CancellationToken.None);
        }
        catch (Exception e) when (rethrowing && ErrorInterceptor.Unavailable(e) is not null)
        {
            // The call failed already and says why; its audit row is lost with the database.
        }
    }

    /// <summary>The account a request names: its <c>account_id</c> field, or the account part of an account, subscription, invoice, quote or order key.</summary>
    private static string? AccountOf(IMessage message)
    {
        var fields = message.Descriptor.Fields;
        if (fields.InFieldNumberOrder().FirstOrDefault(f => f.Name == "account_id" && f.FieldType == FieldType.String) is { } account
            && account.Accessor.GetValue(message) is string { Length: > 0 } accountId)
        {
            return accountId;
        }

        if (fields.InFieldNumberOrder().FirstOrDefault(f => f.Name == "grain_key" && f.FieldType == FieldType.String) is { } key
            && key.Accessor.GetValue(message) is string { Length: > 0 } grainKey
            && fields.InFieldNumberOrder().FirstOrDefault(f => f.Name == "grain_type") is { } type
            && type.Accessor.GetValue(message) is string grainType && grainType != "testclock")
        {
            return grainKey.Split('/')[0];
        }

        return null;
    }
}

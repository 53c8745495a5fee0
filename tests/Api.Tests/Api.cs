using Google.Rpc;
using Grpc.Core;
using Proto = Subscriptions.Grpc.Api.V1;

namespace Subscriptions.Api.Tests;

/// <summary>Calls the subscriptions.v1 services by method name, and reads the rich error of a failed call.</summary>
public static class Api
{
    /// <summary>Calls AccountService/<paramref name="method"/>.</summary>
    public static Task<Proto.Account> AccountAsync<TRequest>(this ApiClient client, string method, TRequest request, CallOptions options) =>
        client.UnaryAsync<TRequest, Proto.Account>($"/subscriptions.v1.AccountService/{method}", request, options);

    /// <summary>Calls InvoiceService/<paramref name="method"/>.</summary>
    public static Task<TResponse> InvoiceAsync<TRequest, TResponse>(this ApiClient client, string method, TRequest request, CallOptions options) =>
        client.UnaryAsync<TRequest, TResponse>($"/subscriptions.v1.InvoiceService/{method}", request, options);

    /// <summary>Calls OpsService/<paramref name="method"/>.</summary>
    public static Task<TResponse> OpsAsync<TRequest, TResponse>(this ApiClient client, string method, TRequest request, CallOptions options) =>
        client.UnaryAsync<TRequest, TResponse>($"/subscriptions.v1.OpsService/{method}", request, options);

    /// <summary>Calls TestClockService/<paramref name="method"/>.</summary>
    public static Task<TResponse> ClockAsync<TRequest, TResponse>(this ApiClient client, string method, TRequest request, CallOptions options) =>
        client.UnaryAsync<TRequest, TResponse>($"/subscriptions.v1.TestClockService/{method}", request, options);

    /// <summary>Reads an account back.</summary>
    public static Task<Proto.Account> GetAccountAsync(this ApiClient client, string accountId, CallOptions options) =>
        client.AccountAsync("GetAccount", new Proto.GetAccountRequest { AccountId = accountId }, options);

    /// <summary>Inspects a grain as billing ops (OPS-1).</summary>
    public static Task<Proto.GrainInspection> InspectAsync(this ApiClient client, string type, string key, CallOptions options) =>
        client.OpsAsync<Proto.InspectGrainRequest, Proto.GrainInspection>(
            "InspectGrain", new Proto.InspectGrainRequest { GrainType = type, GrainKey = key }, options);

    /// <summary>Awaits a call expected to fail with <paramref name="code"/> and returns its error.</summary>
    public static async Task<RpcException> FailsWithAsync(StatusCode code, Func<Task> call)
    {
        var error = await Assert.ThrowsAsync<RpcException>(call);
        Assert.True(code == error.StatusCode, $"Expected {code} but got {error.StatusCode}: {error.Status.Detail}");
        return error;
    }

    /// <summary>The fields named by the error's BadRequest, in order.</summary>
    public static IReadOnlyList<string> BadFields(this RpcException error) =>
        [.. (error.GetRpcStatus()?.GetDetail<BadRequest>() ?? throw new InvalidOperationException($"No BadRequest in: {error.Status.Detail}"))
            .FieldViolations.Select(v => v.Field)];

    /// <summary>The rule id of a FAILED_PRECONDITION or PERMISSION_DENIED error (ErrorInfo.reason).</summary>
    public static string RuleId(this RpcException error) =>
        (error.GetRpcStatus()?.GetDetail<ErrorInfo>() ?? throw new InvalidOperationException($"No ErrorInfo in: {error.Status.Detail}")).Reason;
}

namespace Subscriptions.Grpc.Api.Errors;

/// <summary>
/// Names a change as the API knows it ("SubscriptionService/AddSeats"), for messages about a request id first used by
/// a grain method: the grains name their changes in C# ("AddSeatsAsync", or the account command "AddCard"), callers know the gRPC methods.
/// </summary>
internal static class ApiMethodNames
{
    private static readonly Dictionary<(string GrainType, string Method), string> Known = new()
    {
        [("account", "CreateAsync")] = "AccountService/CreateAccount",
        [("account", "ApproveTaxExemption")] = "AccountService/DecideTaxExemption",
        [("account", "RejectTaxExemption")] = "AccountService/DecideTaxExemption",
        [("subscription", "CreateAsync")] = "SubscriptionService/CreateSubscription",
        [("subscription", "ChangeFrequencyAsync")] = "SubscriptionService/ChangeBillingFrequency",
        [("subscription", "CancelAsync")] = "SubscriptionService/CancelSubscription",
        [("subscription", "ReactivateAsync")] = "SubscriptionService/ReactivateSubscription",
        [("testclock", "CreateAsync")] = "TestClockService/CreateTestClock",
        [("testclock", "AdvanceAsync")] = "TestClockService/AdvanceTestClock",
    };

    private static readonly Dictionary<string, string> Services = new(StringComparer.Ordinal)
    {
        ["account"] = "AccountService",
        ["subscription"] = "SubscriptionService",
        ["testclock"] = "TestClockService",
        ["invoice"] = "InvoiceService",
    };

    /// <summary>The API method behind grain method <paramref name="method"/> of grain type <paramref name="grainType"/>.</summary>
    public static string Of(string grainType, string method)
    {
        ArgumentNullException.ThrowIfNull(grainType);
        ArgumentNullException.ThrowIfNull(method);
        if (Known.TryGetValue((grainType, method), out var known))
        {
            return known;
        }

        var name = method.EndsWith("Async", StringComparison.Ordinal) ? method[..^"Async".Length] : method;
        return Services.TryGetValue(grainType, out var service) ? $"{service}/{name}" : name;
    }

    /// <summary>"AccountService/GetAccount" for the call path "/subscriptions.v1.AccountService/GetAccount".</summary>
    public static string FromPath(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var trimmed = path.TrimStart('/');
        var dot = trimmed.LastIndexOf('.', trimmed.IndexOf('/', StringComparison.Ordinal) is var slash and >= 0 ? slash : trimmed.Length - 1);
        return dot >= 0 ? trimmed[(dot + 1)..] : trimmed;
    }
}

using Grpc.Core;
using Microsoft.Extensions.Configuration;
using Subscriptions.Grpc.Api.Auth;

namespace Subscriptions.Api.Tests;

/// <summary>Bearer tokens for the roles of ACC-2, signed with the test key.</summary>
public sealed class TestTokens(TokenIssuer issuer)
{
    /// <summary>The test token settings (issuer, audience, a test-only signing key).</summary>
    public static TokenOptions Options { get; } = new()
    {
        Issuer = "https://auth.subscriptions.test",
        Audience = "subscriptions-api",
        SigningKey = "q2J5mN0xYc3tV8wZ1aB4dE7gH0jK3mP6sU9vX2yA5bE=",
    };

    /// <summary>The same settings as configuration, as the API reads them (section "Auth").</summary>
    public static IConfiguration Configuration { get; } = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Auth:Issuer"] = Options.Issuer,
        ["Auth:Audience"] = Options.Audience,
        ["Auth:SigningKey"] = Options.SigningKey,
    }).Build();

    /// <summary>The subject of the primary holder of <paramref name="accountId"/> in these tests.</summary>
    public static string HolderOf(string accountId) => $"holder-{accountId}";

    /// <summary>The subject of the billing viewer of <paramref name="accountId"/> in these tests.</summary>
    public static string ViewerOf(string accountId) => $"viewer-{accountId}";

    /// <summary>The subject of the billing-ops member of staff in these tests.</summary>
    public const string OpsSubject = "ops-jane";

    /// <summary>"primary-holder:&lt;account&gt;".</summary>
    public CallOptions PrimaryHolder(string accountId) => Bearer(HolderOf(accountId), $"{RoleClaims.PrimaryHolder}:{accountId}");

    /// <summary>"billing-viewer:&lt;account&gt;".</summary>
    public CallOptions BillingViewer(string accountId) => Bearer(ViewerOf(accountId), $"{RoleClaims.BillingViewer}:{accountId}");

    /// <summary>"ops".</summary>
    public CallOptions Ops() => Bearer(OpsSubject, RoleClaims.Ops);

    /// <summary>Any subject with any role claims, e.g. "primary-holder:acme-1".</summary>
    public CallOptions As(string subject, params string[] roles) => Bearer(subject, roles);

    /// <summary>A customer with no role on any account.</summary>
    public CallOptions Customer(string subject) => Bearer(subject);

    private CallOptions Bearer(string subject, params string[] roles)
    {
        var headers = new Metadata { { "authorization", $"Bearer {issuer.Issue(subject, roles, TimeSpan.FromHours(1))}" } };
        return new CallOptions(headers);
    }
}

using System.Collections;
using System.Reflection;
using System.Text;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Core;
using Subscriptions.Grpc.Api;
using Subscriptions.Grpc.Api.Auth;
using Subscriptions.Grpc.Api.Edge;
using Subscriptions.TestHost;

namespace Subscriptions.Api.Tests;

/// <summary>
/// The edge of every subscriptions.v1 method, found by reflection over the mapped service classes (not from a list
/// kept by hand): each carries one access rule and refuses callers without a valid token or with a role it does not
/// allow (ACC-2), and each string field of each request is bounded, with a small error however large the value.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class EdgeTests(ApiServer server)
{
    private const string AccountId = "edge-acc";

    /// <summary>Every (service class, method, request type, response type) the API maps.</summary>
    public static TheoryData<string> Methods()
    {
        var data = new TheoryData<string>();
        foreach (var method in ApiMethods())
        {
            data.Add($"{method.Service}/{method.Name}");
        }

        return data;
    }

    [Fact]
    public void ACC_2_every_method_of_every_service_carries_exactly_one_access_rule()
    {
        var methods = ApiMethods();

        FileDescriptor[] files =
        [
            Subscriptions.Grpc.Api.V1.AccountsReflection.Descriptor, Subscriptions.Grpc.Api.V1.SubscriptionsReflection.Descriptor,
            Subscriptions.Grpc.Api.V1.InvoicesReflection.Descriptor, Subscriptions.Grpc.Api.V1.QuotesReflection.Descriptor, Subscriptions.Grpc.Api.V1.OpsReflection.Descriptor,
        ];
        Assert.Equal(
            files.SelectMany(f => f.Services).SelectMany(s => s.Methods).Select(m => $"{m.Service.Name}/{m.Name}").Order(StringComparer.Ordinal),
            methods.Select(m => $"{m.Service}/{m.Name}").Order(StringComparer.Ordinal));
        Assert.All(methods, m => Assert.Single(m.Implementation.GetCustomAttributes<AccessRuleAttribute>()));
    }

    [Theory]
    [MemberData(nameof(Methods))]
    public async Task ACC_2_a_caller_without_a_token_or_with_a_bad_or_expired_one_is_unauthenticated(string name)
    {
        var method = ApiMethods().Single(m => $"{m.Service}/{m.Name}" == name);
        var expired = new TokenIssuer(TestTokens.Options, new ManualTimeProvider(server.Cluster.Clock.GetUtcNow().AddHours(-3)))
            .Issue(TestTokens.OpsSubject, [RoleClaims.Ops], TimeSpan.FromHours(1));

        foreach (var options in new[] { new CallOptions(), Bearer("garbage"), Bearer(expired) })
        {
            var error = await Assert.ThrowsAsync<RpcException>(() => CallAsync(method, NewRequest(method), options));
            Assert.True(error.StatusCode == StatusCode.Unauthenticated, $"{name}: {error.StatusCode} {error.Status.Detail}");
        }
    }

    [Theory]
    [MemberData(nameof(Methods))]
    public async Task ACC_2_a_caller_whose_role_the_method_does_not_allow_is_permission_denied(string name)
    {
        var method = ApiMethods().Single(m => $"{m.Service}/{m.Name}" == name);
        if (method.Implementation.GetCustomAttribute<AccessRuleAttribute>() is AnyCallerAttribute)
        {
            return; // Any valid token passes the edge; the domain decides (e.g. who may open an account).
        }

        var error = await Assert.ThrowsAsync<RpcException>(() => CallAsync(method, NewRequest(method), server.Tokens.As("edge-user", $"{RoleClaims.User}:{AccountId}")));

        Assert.True(error.StatusCode == StatusCode.PermissionDenied, $"{name}: {error.StatusCode} {error.Status.Detail}");
    }

    [Theory]
    [MemberData(nameof(Methods))]
    public async Task a_200000_character_value_in_any_string_field_is_invalid_argument_naming_it_in_under_1_KiB(string name)
    {
        var method = ApiMethods().Single(m => $"{m.Service}/{m.Name}" == name);
        var huge = new string('x', 200_000);
        foreach (var path in StringFields(NewRequest(method).Descriptor, ""))
        {
            var request = NewRequest(method);
            Set(request, path, huge);

            var error = await Assert.ThrowsAsync<RpcException>(() => CallAsync(method, request, server.Tokens.Ops()));

            var details = error.Trailers.GetValueBytes("grpc-status-details-bin") ?? [];
            Assert.True(error.StatusCode == StatusCode.InvalidArgument, $"{name} {path}: {error.StatusCode} {error.Status.Detail[..Math.Min(200, error.Status.Detail.Length)]}");
            Assert.Contains(path.Split('.')[^1].Split('[')[0], string.Join(",", error.BadFields()), StringComparison.Ordinal);
            Assert.True(Encoding.UTF8.GetByteCount(error.Status.Detail) + details.Length < 1024, $"{name} {path}: status of {Encoding.UTF8.GetByteCount(error.Status.Detail) + details.Length} bytes");
        }
    }

    [Fact]
    public async Task a_control_character_in_a_text_field_is_invalid_argument_naming_the_field_and_nothing_is_stored()
    {
        var id = Requests.NewAccountId("nul");
        var request = Requests.CreateAccount(id);
        request.CompanyName = "Acme\u0000Widgets";

        var error = await Api.FailsWithAsync(StatusCode.InvalidArgument, () => server.Client.AccountAsync("CreateAccount", request, server.Tokens.PrimaryHolder(id)));

        Assert.Equal(["company_name"], error.BadFields());
        await Api.FailsWithAsync(StatusCode.NotFound, () => server.Client.GetAccountAsync(id, server.Tokens.Ops()));
    }

    [Fact]
    public void every_string_field_has_a_documented_limit_no_larger_than_the_default()
    {
        Assert.All(FieldLimits.MaxLengths.Values, max => Assert.InRange(max, 1, 1000));
        Assert.Equal(256, FieldLimits.DefaultMaxLength);
    }

    private static CallOptions Bearer(string token) => new(new Metadata { { "authorization", $"Bearer {token}" } });

    private Task CallAsync(ApiMethod method, IMessage request, CallOptions options) =>
        (Task)typeof(ApiClient).GetMethod(method.Streaming ? nameof(ApiClient.FirstStreamedAsync) : nameof(ApiClient.UnaryAsync))!
            .MakeGenericMethod(method.Request, method.Response)
            .Invoke(server.Client, [$"/subscriptions.v1.{method.Service}/{method.Name}", request, options])!;

    private static IMessage NewRequest(ApiMethod method)
    {
        var request = (IMessage)Activator.CreateInstance(method.Request)!;
        if (request.Descriptor.FindFieldByName("account_id") is { } account)
        {
            account.Accessor.SetValue(request, AccountId);
        }

        return request;
    }

    [Theory]
    [MemberData(nameof(Methods))]
    public async Task int_max_in_any_integer_field_and_an_undefined_value_in_any_enum_field_are_invalid_argument_naming_it(string name)
    {
        var method = ApiMethods().Single(m => $"{m.Service}/{m.Name}" == name);
        foreach (var field in NewRequest(method).Descriptor.Fields.InFieldNumberOrder().Where(f => f.FieldType is FieldType.Int32 or FieldType.Enum))
        {
            var request = NewRequest(method);
            if (field.IsRepeated)
            {
                ((IList)field.Accessor.GetValue(request)).Add(field.FieldType == FieldType.Enum ? Enum.ToObject(field.EnumType.ClrType, 999) : int.MaxValue);
            }
            else
            {
                field.Accessor.SetValue(request, field.FieldType == FieldType.Enum ? Enum.ToObject(field.EnumType.ClrType, 999) : int.MaxValue);
            }

            var error = await Assert.ThrowsAsync<RpcException>(() => CallAsync(method, request, server.Tokens.Ops()));

            Assert.True(error.StatusCode == StatusCode.InvalidArgument, $"{name} {field.Name}: {error.StatusCode} {error.Status.Detail}");
            Assert.Contains(field.Name, string.Join(",", error.BadFields()), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void every_integer_field_of_every_request_has_a_range_within_the_default()
    {
        Assert.All(FieldLimits.IntegerRanges.Values, r => Assert.True(r.Min >= 0 && r.Max <= FieldLimits.DefaultIntegerRange.Max, $"{r}"));
        Assert.Equal(Subscriptions.Domain.Limits.MaxSeats, FieldLimits.RangeOf("seats").Max);
    }

    private static IEnumerable<string> StringFields(MessageDescriptor descriptor, string prefix)
    {
        foreach (var field in descriptor.Fields.InFieldNumberOrder())
        {
            if (field.FieldType == FieldType.String)
            {
                yield return prefix + field.Name + (field.IsRepeated ? "[0]" : "");
            }
            else if (field.FieldType == FieldType.Message && !field.IsRepeated && !field.MessageType.FullName.StartsWith("google.protobuf.", StringComparison.Ordinal))
            {
                foreach (var nested in StringFields(field.MessageType, prefix + field.Name + "."))
                {
                    yield return nested;
                }
            }
        }
    }

    private static void Set(IMessage message, string path, string value)
    {
        var dot = path.IndexOf('.', StringComparison.Ordinal);
        if (dot < 0)
        {
            var field = message.Descriptor.FindFieldByName(path.Replace("[0]", "", StringComparison.Ordinal));
            if (field.IsRepeated)
            {
                ((IList)field.Accessor.GetValue(message)).Add(value);
            }
            else
            {
                field.Accessor.SetValue(message, value);
            }

            return;
        }

        var parent = message.Descriptor.FindFieldByName(path[..dot]);
        var child = (IMessage?)parent.Accessor.GetValue(message) ?? (IMessage)Activator.CreateInstance(parent.MessageType.ClrType)!;
        parent.Accessor.SetValue(message, child);
        Set(child, path[(dot + 1)..], value);
    }

    private static List<ApiMethod> ApiMethods() =>
    [
        .. SubscriptionsApi.ServiceTypes.SelectMany(type => type.BaseType!.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            .Where(m => m.IsVirtual && m.GetParameters() is [{ } request, { ParameterType: var context }] && context == typeof(ServerCallContext))
            .Select(m => new ApiMethod(
                type.BaseType.DeclaringType!.Name,
                m.Name,
                m.GetParameters()[0].ParameterType,
                m.ReturnType.GetGenericArguments()[0],
                type.GetMethod(m.Name, [m.GetParameters()[0].ParameterType, typeof(ServerCallContext)])!,
                Streaming: false))),
        .. SubscriptionsApi.ServiceTypes.SelectMany(type => type.BaseType!.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            .Where(m => m.IsVirtual && m.GetParameters() is [{ }, { ParameterType: { IsGenericType: true } writer }, { ParameterType: var context }]
                && writer.GetGenericTypeDefinition() == typeof(IServerStreamWriter<>) && context == typeof(ServerCallContext))
            .Select(m => new ApiMethod(
                type.BaseType.DeclaringType!.Name,
                m.Name,
                m.GetParameters()[0].ParameterType,
                m.GetParameters()[1].ParameterType.GetGenericArguments()[0],
                type.GetMethod(m.Name, [.. m.GetParameters().Select(p => p.ParameterType)])!,
                Streaming: true))),
    ];

    private sealed record ApiMethod(string Service, string Name, Type Request, Type Response, MethodInfo Implementation, bool Streaming);
}

using Google.Rpc;
using Subscriptions.Grpc.Transport;
using Subscriptions.Grpc.Transport.Errors;
using Xunit;

namespace Subscriptions.Grpc.Tests.Standard;

public sealed class RichErrorsTests
{
    [Fact]
    public void invalid_argument_lists_each_bad_field_as_a_bad_request_violation()
    {
        var error = RichErrors.InvalidArgument(
            "the account request has 2 invalid fields",
            [("company_name", "must not be empty"), ("billing_address.country", "\"XX\" is not a country code")]);

        var status = AssertStatusMatches(error, StatusCode.InvalidArgument);
        var badRequest = status.GetDetail<BadRequest>();
        Assert.NotNull(badRequest);
        Assert.Equal(
            [("company_name", "must not be empty"), ("billing_address.country", "\"XX\" is not a country code")],
            badRequest.FieldViolations.Select(v => (v.Field, v.Description)));
    }

    [Fact]
    public void failed_precondition_names_the_rule_in_a_precondition_failure_and_an_error_info()
    {
        var error = RichErrors.FailedPrecondition("SUB-6", "SUB-6: subscription \"sub-1\" cannot be cancelled while account \"acc-1\" is overdue");

        var status = AssertStatusMatches(error, StatusCode.FailedPrecondition);
        var violation = Assert.Single(status.GetDetail<PreconditionFailure>()!.Violations);
        Assert.Equal("SUB-6", violation.Type);
        Assert.Equal(error.Detail, violation.Description);
        var info = status.GetDetail<ErrorInfo>();
        Assert.Equal("SUB-6", info?.Reason);
        Assert.Equal("subscriptions", info?.Domain);
    }

    [Fact]
    public void aborted_and_unavailable_advise_when_to_retry()
    {
        var aborted = AssertStatusMatches(RichErrors.Aborted("account \"acc-1\" was changed concurrently"), StatusCode.Aborted);
        var unavailable = AssertStatusMatches(RichErrors.Unavailable("the database is unreachable", TimeSpan.FromSeconds(5)), StatusCode.Unavailable);

        Assert.Equal(RichErrors.AbortedRetryDelay, aborted.GetDetail<RetryInfo>()?.RetryDelay.ToTimeSpan());
        Assert.Equal(TimeSpan.FromSeconds(5), unavailable.GetDetail<RetryInfo>()?.RetryDelay.ToTimeSpan());
    }

    [Fact]
    public void not_found_names_the_resource_kind_and_id()
    {
        var error = RichErrors.NotFound("invoice", "inv-42");

        var status = AssertStatusMatches(error, StatusCode.NotFound);
        Assert.Equal("invoice \"inv-42\" was not found", error.Detail);
        var resource = status.GetDetail<ResourceInfo>();
        Assert.Equal("invoice", resource?.ResourceType);
        Assert.Equal("inv-42", resource?.ResourceName);
    }

    [Fact]
    public void an_error_without_details_trailer_has_no_rich_status()
    {
        Assert.Null(new RpcException(StatusCode.Internal, "plain").GetRichStatus());
    }

    private static Google.Rpc.Status AssertStatusMatches(RpcException error, StatusCode code)
    {
        Assert.Equal(code, error.StatusCode);
        var status = error.GetRichStatus();
        Assert.NotNull(status);
        Assert.Equal((int)code, status.Code);
        Assert.Equal(error.Detail, status.Message);
        return status;
    }
}

using Subscriptions.Grpc.Transport;
using Subscriptions.Grpc.Transport.Framing;
using Xunit;

namespace Subscriptions.Grpc.Tests.Transport;

public sealed class ProtocolEncodingTests
{
    [Theory]
    [InlineData("2H", 2 * TimeSpan.TicksPerHour)]
    [InlineData("3M", 3 * TimeSpan.TicksPerMinute)]
    [InlineData("5S", 5 * TimeSpan.TicksPerSecond)]
    [InlineData("250m", 250 * TimeSpan.TicksPerMillisecond)]
    [InlineData("7u", 70)]
    [InlineData("1000n", 10)]
    [InlineData("1n", 1)]
    [InlineData("0S", 0)]
    [InlineData("99999999H", 99_999_999 * TimeSpan.TicksPerHour)]
    public void grpc_timeout_parses_every_unit(string header, long ticks)
    {
        Assert.True(GrpcTimeout.TryParse(header, out var timeout));
        Assert.Equal(TimeSpan.FromTicks(ticks), timeout);
    }

    [Theory]
    [InlineData("")]
    [InlineData("S")]
    [InlineData("5")]
    [InlineData("5s")]
    [InlineData("5X")]
    [InlineData("-5S")]
    [InlineData(" 5S")]
    [InlineData("123456789S")]
    public void grpc_timeout_rejects_malformed_values(string header)
    {
        Assert.False(GrpcTimeout.TryParse(header, out _));
    }

    [Theory]
    [InlineData(0, "0n")]
    [InlineData(5 * TimeSpan.TicksPerMillisecond, "5000000n")]
    [InlineData(5 * TimeSpan.TicksPerSecond, "5000000u")]
    [InlineData(TimeSpan.TicksPerDay, "86400000m")]
    [InlineData(365 * TimeSpan.TicksPerDay, "31536000S")]
    [InlineData(long.MaxValue, "99999999H")]
    public void grpc_timeout_is_formatted_in_at_most_8_digits(long ticks, string expected)
    {
        Assert.Equal(expected, GrpcTimeout.Format(TimeSpan.FromTicks(ticks)));
    }

    [Theory]
    [InlineData("plain ascii", "plain ascii")]
    [InlineData("100%", "100%25")]
    [InlineData("€", "%E2%82%AC")]
    [InlineData("line\nbreak", "line%0Abreak")]
    public void grpc_message_is_percent_encoded_and_decoded(string detail, string encoded)
    {
        Assert.Equal(encoded, GrpcStatusMessage.Encode(detail));
        Assert.Equal(detail, GrpcStatusMessage.Decode(encoded));
    }

    [Fact]
    public void malformed_percent_encoding_is_kept_as_received()
    {
        Assert.Equal("50%zz", GrpcStatusMessage.Decode("50%zz"));
        Assert.Equal("%FF", GrpcStatusMessage.Decode("%FF"));
        Assert.Equal("100% done", GrpcStatusMessage.Decode("100% done"));
        Assert.Equal("%+1 and %1 ", GrpcStatusMessage.Decode("%+1 and %1 "));
    }

    [Fact]
    public void metadata_keys_are_lower_cased_and_binary_keys_need_bytes()
    {
        var metadata = new Metadata { { "X-Tenant", "acme" }, { "Trace-Bin", new byte[] { 1, 2 } } };

        Assert.Equal("acme", metadata.GetValue("x-tenant"));
        Assert.Equal(new byte[] { 1, 2 }, metadata.GetValueBytes("trace-bin"));
        Assert.Equal("AQI=", metadata.Single(e => e.IsBinary).ToHeaderValue());
        Assert.Throws<ArgumentException>(() => metadata.Add("data-bin", "text"));
        Assert.Throws<ArgumentException>(() => metadata.Add("data", new byte[] { 1 }));
        Assert.Throws<ArgumentException>(() => metadata.Add("grpc-status", "0"));
        Assert.Throws<ArgumentException>(() => metadata.Add("bad key", "x"));
        Assert.Throws<ArgumentException>(() => metadata.Add("x-text", "caf\u00e9"));
    }
}

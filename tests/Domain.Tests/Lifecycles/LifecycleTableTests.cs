using Subscriptions.Domain.Errors;
using Subscriptions.Domain.Lifecycles;

namespace Subscriptions.Domain.Tests.Lifecycles;

/// <summary>The one state-machine engine every lifecycle is data for.</summary>
public sealed class LifecycleTableTests
{
    private enum Light
    {
        Off,
        On,
        Broken,
    }

    private enum Press
    {
        Switch,
        Repair,
    }

    private static LifecycleTable<Light, Press> Table(params Refusal<Light, Press>[] refusals) => new(
        [new(Light.Off, Press.Switch, Light.On), new(Light.On, Press.Switch, Light.Off), new(Light.Broken, Press.Repair, Light.Off)],
        refusals,
        _ => Rules.Ops1,
        press => press == Press.Switch ? "switch" : "repair",
        light => light.ToString().ToLowerInvariant(),
        press => press.ToString().ToLowerInvariant(),
        new LifecycleNaming("a light", "Light lifecycle", StateWidth: 8, EventWidth: 8));

    [Fact]
    public void A_pair_is_allowed_refused_with_its_explanation_or_refused_with_the_generic_sentence_under_the_event_rule()
    {
        var table = Table(new Refusal<Light, Press>(Light.Broken, Press.Switch, Rules.Ops1, "Repair it first."));

        var explained = Assert.Throws<RuleViolationException>(() => table.Require(Light.Broken, Press.Switch));
        var generic = Assert.Throws<RuleViolationException>(() => table.Require(Light.On, Press.Repair));

        Assert.Equal(Light.On, table.Require(Light.Off, Press.Switch));
        Assert.Equal((Rules.Ops1, "Repair it first."), (explained.RuleId, explained.Reason));
        Assert.Equal("It is not possible to repair a light that is on.", generic.Reason);
        Assert.Contains("off     switch  on      " + Rules.Ops1, table.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_pair_both_allowed_and_refused_is_a_defect_caught_when_the_table_is_built()
    {
        var error = Assert.Throws<ArgumentException>(() => Table(new Refusal<Light, Press>(Light.Off, Press.Switch, Rules.Ops1, "No.")));

        Assert.Contains("(Off, Switch) is both allowed and refused", error.Message, StringComparison.Ordinal);
    }
}

using Subscriptions.Domain.Billing;
using Subscriptions.Domain.Catalog;
using Subscriptions.Domain.Errors;
using Subscriptions.Domain.Subscriptions;
using static Subscriptions.Domain.Tests.TestKit;

namespace Subscriptions.Domain.Tests.Subscriptions;

/// <summary>
/// Random sequences of seat, plan and frequency changes (with renewals between them) driven through
/// <see cref="Subscription.Decide"/>: after every accepted decision the invariants hold (1 &lt;= seats &lt;= the maximum,
/// no more licences than seats, charges and credits within their limits); a refused command changes nothing. Seeded,
/// so a failure names the seed and step that reproduce it.
/// </summary>
public sealed class InvariantPropertyTests
{
    private static readonly string[] Products = ["meeting", "webinar", "training", "assist-v5", "connect", "central"];

    public static TheoryData<int> Seeds => [.. Enumerable.Range(1, 40)];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void SUB_4_random_seat_plan_and_frequency_changes_keep_every_invariant(int seed)
    {
        var random = new Random(seed);
        var product = TestKit.Catalog.Product(Products[random.Next(Products.Length)]);
        var plan = product.Plans[random.Next(product.Plans.Count)];
        var now = Utc(2025, 1, 1).AddHours(random.Next(0, 24 * 28));
        var state = Subscription.CreatePaid(
            new CreatePaid("sub-1", "acc-1", product.Id, plan.Id, random.Next(1, 50), product.Frequencies[random.Next(product.Frequencies.Count)]), Ops(now)).State;
        var accepted = 0;
        for (var step = 0; step < 60; step++)
        {
            now = now.AddHours(random.Next(1, 24 * 20));
            while (state.NextRenewal is { } renewal && renewal <= now)
            {
                state = Decide(state, new Renew(), Service(renewal), seed, step);
            }

            var command = Next(random, state, product);
            var context = random.Next(3) == 0 ? Ops(now) : Context(now);
            SubscriptionDecision decision;
            try
            {
                decision = Subscription.Decide(state, command, context);
            }
            catch (RuleViolationException e) when (e.Reason.StartsWith("The change was refused: it would leave", StringComparison.Ordinal) && e.RuleId != Rules.Sub12)
            {
                // The invariants are the last line: a limit must be refused by the rule that owns it, before a decision breaks it.
                Assert.Fail($"seed {seed}, step {step}, {command}: only the invariant check caught {e.Message}");
                throw;
            }
            catch (DomainException)
            {
                continue;
            }

            Assert.True(SubscriptionInvariants.Violation(decision, context, state) is null, $"seed {seed}, step {step}, {command}: {SubscriptionInvariants.Violation(decision, context, state)}");
            Assert.InRange(decision.State.Seats, 1, product.MaxSeats);
            Assert.True(decision.State.AssignedUsers.Count <= decision.State.Seats, $"seed {seed}, step {step}: licences over seats");
            Assert.All(decision.Charges, c => Assert.True(c.Quantity >= 0m && Limits.InRange(c.ExactAmount.Amount), $"seed {seed}, step {step}: line {c.Description}"));
            Assert.All(decision.Credits, c => Assert.True(c.Amount.Amount >= 0m, $"seed {seed}, step {step}: credit {c.Amount}"));
            state = decision.State;
            accepted++;
        }

        Assert.True(accepted > 0, $"seed {seed}: no command was accepted");
    }

    private static SubscriptionState Decide(SubscriptionState state, SubscriptionCommand command, SubscriptionContext context, int seed, int step)
    {
        var decision = Subscription.Decide(state, command, context);
        Assert.True(SubscriptionInvariants.Violation(decision, context, state) is null, $"seed {seed}, step {step}, {command}");
        return decision.State;
    }

    private static SubscriptionCommand Next(Random random, SubscriptionState state, Product product) => random.Next(6) switch
    {
        0 => new AddSeats(Count(random)),
        1 => new RemoveSeats(Count(random)),
        2 => new UpgradePlan(product.Plans[random.Next(product.Plans.Count)].Id),
        3 => new DowngradePlan(product.Plans[random.Next(product.Plans.Count)].Id),
        4 => new ChangeFrequency(random.Next(2) == 0 ? BillingFrequency.Monthly : BillingFrequency.Annual),
        _ => random.Next(2) == 0 ? new AssignLicence($"user-{random.Next(100)}") : new UnassignLicence($"user-{random.Next(100)}"),
    };

    // Small counts mostly, and now and then one at or past the limits, or past int.MaxValue when added.
    private static int Count(Random random) => random.Next(10) switch
    {
        0 => int.MaxValue,
        1 => Limits.MaxSeats,
        2 => random.Next(int.MinValue, 0),
        3 => 1 << 30,
        _ => random.Next(1, 20),
    };
}

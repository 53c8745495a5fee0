using Subscriptions.Domain.Billing;
using Subscriptions.Domain.Catalog;
using Subscriptions.Domain.Currencies;
using Subscriptions.Domain.Errors;

namespace Subscriptions.Domain.Tests.Catalog;

public sealed class CatalogLoaderTests
{
    private const string Prices = """
        { "USD": 10.00, "CAD": 13.00, "GBP": 8.00, "AUD": 15.00, "EUR": 9.00, "JPY": 1500, "CHF": 9.00 }
        """;

    private static string CatalogWith(string model = "anniversary", string frequencies = "[\"monthly\"]", string plans = $$"""
        [{ "id": "starter", "name": "Starter", "rank": 1, "prices": { "monthly": {{Prices}} } }]
        """) => $$"""
        { "version": "test", "products": [{
            "id": "widget", "name": "Widget", "billing_model": "{{model}}", "cancellation": "self-service",
            "add_seats_eligible": true, "frequencies": {{frequencies}}, "plans": {{plans}} }] }
        """;

    [Fact]
    public void CAT_default_catalog_ships_every_product_with_a_price_for_every_frequency_and_currency()
    {
        var catalog = CatalogLoader.LoadDefault();

        Assert.Equal(["central", "pro", "meeting", "webinar", "training", "assist-v4", "assist-v5", "connect"], catalog.Products.Select(p => p.Id));
        foreach (var product in catalog.Products)
        {
            foreach (var plan in product.Plans)
            {
                foreach (var frequency in product.Frequencies)
                {
                    Assert.All(Currency.All, c => Assert.True(plan.SeatPrice(product.Id, frequency, c).Amount > 0m, $"{product.Id}/{plan.Id} {frequency} {c}"));
                }
            }
        }
    }

    [Fact]
    public void CAT_default_catalog_carries_trial_policies_billing_models_and_cancellation_policies()
    {
        var catalog = CatalogLoader.LoadDefault();

        Assert.Equal(new TrialTerms(14, TrialPolicy.ToFree), catalog.Product("central").Trial);
        Assert.Equal(new TrialTerms(14, TrialPolicy.ToPaid), catalog.Product("pro").Trial);
        var connect = catalog.Product("connect");
        Assert.Equal(BillingModel.Calendar, connect.BillingModel);
        Assert.Equal(CancellationPolicy.SupportOnly, connect.Cancellation);
        Assert.Equal([12, 15, 24], connect.ContractTermsMonths);
        Assert.Equal([BillingFrequency.Monthly], connect.Frequencies);
        Assert.Equal(
            ["meeting", "webinar", "training", "assist-v4", "assist-v5"],
            catalog.Products.Where(p => p.AddSeatsEligible).Select(p => p.Id));
        Assert.All(catalog.Products, p => Assert.Equal(15, p.GracePeriodDays));
    }

    [Fact]
    public void CAT_a_missing_currency_price_names_the_product_plan_frequency_and_currency()
    {
        var json = CatalogWith(plans: """
            [{ "id": "starter", "name": "Starter", "rank": 1,
               "prices": { "monthly": { "USD": 10.00, "CAD": 13.00, "GBP": 8.00, "AUD": 15.00, "EUR": 9.00, "CHF": 9.00 } } }]
            """);

        var error = Assert.Throws<CatalogFormatException>(() => CatalogLoader.Parse(json));

        Assert.Equal("product \"widget\" plan \"starter\": prices.monthly has no JPY price", Assert.Single(error.Problems));
    }

    [Fact]
    public void CAT_an_unknown_billing_model_is_named()
    {
        var error = Assert.Throws<CatalogFormatException>(() => CatalogLoader.Parse(CatalogWith(model: "weekly")));

        Assert.Contains("product \"widget\": \"billing_model\" must be \"anniversary\" or \"calendar\" (got \"weekly\")", error.Problems);
    }

    [Fact]
    public void CAT_a_calendar_product_may_only_be_billed_monthly()
    {
        var error = Assert.Throws<CatalogFormatException>(() => CatalogLoader.Parse(CatalogWith(model: "calendar", frequencies: "[\"monthly\", \"annual\"]")));

        Assert.Contains(error.Problems, p => p.StartsWith("product \"widget\": a calendar-model product is billed monthly only", StringComparison.Ordinal));
    }

    [Fact]
    public void CAT_duplicate_plan_ids_and_ranks_are_refused()
    {
        var plans = $$"""
            [{ "id": "starter", "name": "Starter", "rank": 1, "prices": { "monthly": {{Prices}} } },
             { "id": "starter", "name": "Starter again", "rank": 1, "prices": { "monthly": {{Prices}} } }]
            """;

        var error = Assert.Throws<CatalogFormatException>(() => CatalogLoader.Parse(CatalogWith(plans: plans)));

        Assert.Contains("product \"widget\" plan \"starter\": the id is used by more than one plan", error.Problems);
        Assert.Contains(error.Problems, p => p.Contains("share rank 1", StringComparison.Ordinal));
    }

    [Fact]
    public void CAT_a_yen_price_with_decimals_is_refused()
    {
        var plans = """
            [{ "id": "starter", "name": "Starter", "rank": 1,
               "prices": { "monthly": { "USD": 10.00, "CAD": 13.00, "GBP": 8.00, "AUD": 15.00, "EUR": 9.00, "JPY": 1500.5, "CHF": 9.00 } } }]
            """;

        var error = Assert.Throws<CatalogFormatException>(() => CatalogLoader.Parse(CatalogWith(plans: plans)));

        Assert.Equal("product \"widget\" plan \"starter\": prices.monthly.JPY = 1500.5 has more than 0 decimal places", Assert.Single(error.Problems));
    }

    [Fact]
    public void CAT_a_higher_ranked_plan_may_not_cost_less()
    {
        var plans = $$"""
            [{ "id": "starter", "name": "Starter", "rank": 1, "prices": { "monthly": {{Prices}} } },
             { "id": "business", "name": "Business", "rank": 2,
               "prices": { "monthly": { "USD": 9.00, "CAD": 13.00, "GBP": 8.00, "AUD": 15.00, "EUR": 9.00, "JPY": 1500, "CHF": 9.00 } } }]
            """;

        var error = Assert.Throws<CatalogFormatException>(() => CatalogLoader.Parse(CatalogWith(plans: plans)));

        Assert.Contains(error.Problems, p => p.Contains("plan \"business\" (rank 2) costs less than plan \"starter\" (rank 1) in prices.monthly.USD", StringComparison.Ordinal));
    }

    [Fact]
    public void CAT_unsupported_currency_and_missing_fields_are_all_reported_together()
    {
        var json = """
            { "version": "test", "products": [{ "id": "widget", "billing_model": "anniversary", "frequencies": ["monthly"],
              "plans": [{ "id": "starter", "name": "Starter", "rank": 1,
                "prices": { "monthly": { "USD": 10.00, "CAD": 13.00, "GBP": 8.00, "AUD": 15.00, "EUR": 9.00, "JPY": 1500, "CHF": 9.00, "XXX": 1 } } }] }] }
            """;

        var error = Assert.Throws<CatalogFormatException>(() => CatalogLoader.Parse(json));

        Assert.Contains("product \"widget\": \"name\" is required", error.Problems);
        Assert.Contains("product \"widget\": \"cancellation\" is required", error.Problems);
        Assert.Contains("product \"widget\": \"add_seats_eligible\" is required and must be true or false", error.Problems);
        Assert.Contains("product \"widget\" plan \"starter\": prices.monthly has unsupported currency \"XXX\"", error.Problems);
    }

    [Fact]
    public void CAT_invalid_json_is_reported_as_a_catalog_problem()
    {
        var error = Assert.Throws<CatalogFormatException>(() => CatalogLoader.Parse("{ \"version\": "));

        Assert.StartsWith("catalog: not valid JSON", Assert.Single(error.Problems), StringComparison.Ordinal);
    }

    [Fact]
    public void CAT_unknown_product_plan_and_frequency_are_validation_errors_naming_the_field()
    {
        var catalog = CatalogLoader.LoadDefault();

        Assert.Equal("product_id", Assert.Single(Assert.Throws<ValidationException>(() => catalog.Product("fax")).Violations).Field);
        Assert.Equal("plan_id", Assert.Single(Assert.Throws<ValidationException>(() => catalog.Product("meeting").Plan("gold")).Violations).Field);
        Assert.Equal(
            "frequency",
            Assert.Single(Assert.Throws<ValidationException>(() => catalog.Product("connect").RequireFrequency(BillingFrequency.Annual)).Violations).Field);
    }

    [Fact]
    public void CAT_a_currency_without_a_price_is_a_validation_error_naming_the_currency()
    {
        var prices = new PriceList(new Dictionary<BillingFrequency, IReadOnlyDictionary<string, decimal>>
        {
            [BillingFrequency.Monthly] = new Dictionary<string, decimal> { ["USD"] = 10m },
        });

        var error = Assert.Throws<ValidationException>(() => prices.SeatPrice(BillingFrequency.Monthly, Currency.Jpy, "\"widget/starter\""));

        Assert.Equal("currency", Assert.Single(error.Violations).Field);
        Assert.Contains("JPY", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CAT_max_seats_must_lie_from_1_to_the_service_maximum_and_defaults_to_it()
    {
        var json = CatalogWith().Replace("\"add_seats_eligible\": true", "\"add_seats_eligible\": true, \"max_seats\": 100001", StringComparison.Ordinal);

        var error = Assert.Throws<CatalogFormatException>(() => CatalogLoader.Parse(json));

        Assert.Contains($"product \"widget\": \"max_seats\" must be 1 to {Limits.MaxSeats} (got 100001)", error.Problems);
        Assert.All(CatalogLoader.LoadDefault().Products, p => Assert.Equal(Limits.MaxSeats, p.MaxSeats));
    }

    [Fact]
    public void CAT_a_seat_price_whose_full_subscription_would_pass_the_largest_amount_is_refused()
    {
        var json = CatalogWith().Replace("\"USD\": 10.00", "\"USD\": 10000000.01", StringComparison.Ordinal);

        var error = Assert.Throws<CatalogFormatException>(() => CatalogLoader.Parse(json));

        Assert.Contains(error.Problems, p => p.Contains("prices.monthly.USD = 10000000.01 is above the largest seat price", StringComparison.Ordinal));
    }

    [Fact]
    public void CAT_the_domain_tests_price_from_their_own_catalog_so_a_shipped_price_change_breaks_no_decision_test()
    {
        Assert.Equal("domain-tests", TestKit.Catalog.Version);
        Assert.NotEqual(CatalogLoader.LoadDefault().Version, TestKit.Catalog.Version);
    }
}

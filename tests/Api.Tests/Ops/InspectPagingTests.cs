using Subscriptions.Api.Tests.SubscriptionLifecycle;
using Proto = Subscriptions.Grpc.Api.V1;

namespace Subscriptions.Api.Tests.Ops;

/// <summary>
/// An inspection answers one page of a grain's history (OPS-1): the newest entries, and where the page before them
/// starts, so an old grain's inspection costs what a new one's does and every entry can still be read, in order.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class InspectPagingTests(ApiServer server)
{
    [Fact]
    public async Task OPS_1_the_history_is_read_newest_page_first_and_the_pages_together_are_the_whole_history_in_order()
    {
        var kit = await SubscriptionKit.OpenAsync(server);
        await kit.BuyAsync("meeting-1", "meeting", "professional");
        await kit.AdvanceToAsync(SubscriptionKit.Start.AddMonths(3));
        var whole = (await kit.InspectAsync("meeting-1")).History;
        Assert.True(whole.Count > 3, $"{whole.Count} entries");

        var pages = new List<Proto.GrainInspection>();
        long before = 0;
        do
        {
            var page = await server.Client.OpsAsync<Proto.InspectGrainRequest, Proto.GrainInspection>("InspectGrain", new Proto.InspectGrainRequest
            {
                GrainType = "subscription", GrainKey = $"{kit.AccountId}/meeting-1", HistoryLimit = 2, HistoryBefore = before,
            }, kit.Ops);
            pages.Add(page);
            before = page.EarlierHistoryBefore;
        }
        while (before != 0);

        Assert.All(pages.SkipLast(1), p => Assert.Equal(2, p.History.Count));
        Assert.Equal(whole, pages.AsEnumerable().Reverse().SelectMany(p => p.History));
        Assert.Equal(whole.Count, (await kit.InspectAsync("meeting-1")).History.Count);
    }
}

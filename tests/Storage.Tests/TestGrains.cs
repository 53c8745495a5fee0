using Orleans.Runtime;

namespace Subscriptions.Storage.Tests;

/// <summary>What a profile grain holds, persisted as JSON by the System.Text.Json grain storage serializer.</summary>
public sealed class ProfileState
{
    public string Name { get; set; } = "";

    public int Writes { get; set; }

    public List<string> History { get; set; } = [];
}

/// <summary>A profile grain's state as its callers see it, with the storage bookkeeping exposed for the tests.</summary>
[GenerateSerializer]
[Immutable]
public sealed record ProfileView(
    [property: Id(0)] string Name,
    [property: Id(1)] int Writes,
    [property: Id(2)] string? ETag,
    [property: Id(3)] bool RecordExists,
    [property: Id(4)] Guid ActivationId);

public interface IProfileGrain : IGrainWithStringKey
{
    Task<ProfileView> Get();

    Task<ProfileView> Rename(string name);

    Task<ProfileView> Clear();

    Task Deactivate();
}

public sealed class ProfileGrain([PersistentState("profile")] IPersistentState<ProfileState> profile) : Grain, IProfileGrain
{
    private readonly Guid _activationId = Guid.NewGuid();

    public Task<ProfileView> Get() => Task.FromResult(View());

    public async Task<ProfileView> Rename(string name)
    {
        profile.State.Name = name;
        profile.State.Writes++;
        profile.State.History.Add(name);
        await profile.WriteStateAsync();
        return View();
    }

    public async Task<ProfileView> Clear()
    {
        await profile.ClearStateAsync();
        return View();
    }

    public Task Deactivate()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    private ProfileView View() => new(profile.State.Name, profile.State.Writes, profile.Etag, profile.RecordExists, _activationId);
}

/// <summary>A second grain type whose keys overlap the profile grain's, kept apart by its own state name.</summary>
public sealed class NoteState
{
    public string Text { get; set; } = "";
}

public interface INoteGrain : IGrainWithStringKey
{
    Task<string> Read();

    Task Write(string text);
}

public sealed class NoteGrain([PersistentState("note")] IPersistentState<NoteState> note) : Grain, INoteGrain
{
    public Task<string> Read() => Task.FromResult(note.State.Text);

    public async Task Write(string text)
    {
        note.State.Text = text;
        await note.WriteStateAsync();
    }
}

/// <summary>A grain with durable reminders; the reminders carry no data and their ticks do nothing here.</summary>
public interface IRenewalGrain : IGrainWithStringKey
{
    Task Schedule(string name, TimeSpan due, TimeSpan period);

    Task<bool> Has(string name);

    Task<string[]> Names();

    Task Cancel(string name);
}

public sealed class RenewalGrain : Grain, IRenewalGrain, IRemindable
{
    public async Task Schedule(string name, TimeSpan due, TimeSpan period) =>
        await this.RegisterOrUpdateReminder(name, due, period);

    public async Task<bool> Has(string name) => await this.GetReminder(name) is not null;

    public async Task<string[]> Names() => [.. (await this.GetReminders()).Select(r => r.ReminderName).Order(StringComparer.Ordinal)];

    public async Task Cancel(string name)
    {
        var reminder = await this.GetReminder(name) ?? throw new InvalidOperationException($"No reminder {name}.");
        await this.UnregisterReminder(reminder);
    }

    public Task ReceiveReminder(string reminderName, TickStatus status) => Task.CompletedTask;
}

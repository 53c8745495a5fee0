namespace Subscriptions.Domain.Accounts;

/// <summary>Gives a person a role on the account: billing viewer or user (ACC-2).</summary>
public sealed record AddMember(string SubjectId, string Email, AccountRole Role) : AccountCommand;

/// <summary>Takes a member's role away; the primary holder cannot be removed (ACC-2).</summary>
public sealed record RemoveMember(string SubjectId) : AccountCommand;

/// <summary>Switches a member between billing viewer and user (ACC-2).</summary>
public sealed record ChangeMemberRole(string SubjectId, AccountRole Role) : AccountCommand;

/// <summary>Makes another member the primary holder and billing contact; the previous one becomes a billing viewer (ACC-2).</summary>
/// <summary>
/// Makes <paramref name="SubjectId"/> the account's product administrator (the checkout of a service order, QUO-5): a new
/// member with the administrator role, or an existing one given it; the primary holder stays primary holder.
/// </summary>
public sealed record SetAdministrator(string SubjectId, string Email) : AccountCommand;

/// <summary>Hands the primary-holder role (the billing contact) to another member.</summary>
public sealed record ChangeBillingContact(string NewHolderSubjectId) : AccountCommand;

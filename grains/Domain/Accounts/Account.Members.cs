using Subscriptions.Domain.Accounts.Validation;
using Subscriptions.Domain.Errors;

namespace Subscriptions.Domain.Accounts;

/// <summary>Members, roles and the billing contact (ACC-2).</summary>
public sealed partial record Account
{
    /// <summary>Adds a billing viewer or user; the primary-holder role is only handed over with <see cref="ChangeBillingContact"/>.</summary>
    private AccountDecision Decide(Actor actor, AddMember command, DateTimeOffset now)
    {
        Authorize(actor, AccountAction.ManageMembers);
        var violations = new ViolationList();
        violations.Check("subject_id", TextRules.Required(command.SubjectId));
        violations.Check("email", EmailRules.Problem(command.Email));
        violations.Check("role", SecondaryRoleProblem(command.Role));
        violations.ThrowIfAny();

        var subjectId = command.SubjectId.Trim();
        if (RoleOf(subjectId) is { } existing)
        {
            throw new RuleViolationException(Rules.Acc2, $"{Quoted.Of(subjectId)} is already a member of account {Quoted.Of(Id)} as {RoleName(existing)}.");
        }

        var member = new AccountMember(subjectId, EmailRules.Normalize(command.Email), command.Role);
        return AccountDecision.Of(this with { Members = [.. Members, member] }, AuditEntry.Of(actor, now, "member", null, Describe(member)));
    }

    /// <summary>Creates or updates the product administrator (QUO-5 checkout); the primary holder keeps their role.</summary>
    private AccountDecision Decide(Actor actor, SetAdministrator command, DateTimeOffset now)
    {
        Authorize(actor, AccountAction.ManageMembers);
        var violations = new ViolationList();
        violations.Check("subject_id", TextRules.Required(command.SubjectId));
        violations.Check("email", EmailRules.Problem(command.Email));
        violations.ThrowIfAny();

        var subjectId = command.SubjectId.Trim();
        var email = EmailRules.Normalize(command.Email);
        var existing = Members.FirstOrDefault(m => m.SubjectId == subjectId);
        if (existing is { Role: AccountRole.PrimaryHolder } || (existing is not null && existing.Role == AccountRole.Administrator && existing.Email == email))
        {
            return AccountDecision.Unchanged(this);
        }

        var member = new AccountMember(subjectId, email, AccountRole.Administrator);
        return AccountDecision.Of(
            this with { Members = existing is null ? [.. Members, member] : [.. Members.Select(m => m == existing ? member : m)] },
            AuditEntry.Of(actor, now, "member", existing is null ? null : Describe(existing), Describe(member)));
    }

    /// <summary>Removes a member other than the primary holder.</summary>
    private AccountDecision Decide(Actor actor, RemoveMember command, DateTimeOffset now)
    {
        Authorize(actor, AccountAction.ManageMembers);
        var member = FindMember(command.SubjectId);
        if (member.Role == AccountRole.PrimaryHolder)
        {
            throw new RuleViolationException(
                Rules.Acc2, $"{Quoted.Of(member.SubjectId)} is the primary holder of account {Quoted.Of(Id)} and cannot be removed; hand the role to another member first.");
        }

        return AccountDecision.Of(
            this with { Members = [.. Members.Where(m => m != member)] },
            AuditEntry.Of(actor, now, "member", Describe(member), null));
    }

    /// <summary>Switches a member between billing viewer and user.</summary>
    private AccountDecision Decide(Actor actor, ChangeMemberRole command, DateTimeOffset now)
    {
        Authorize(actor, AccountAction.ManageMembers);
        var violations = new ViolationList();
        violations.Check("role", SecondaryRoleProblem(command.Role));
        violations.ThrowIfAny();

        var member = FindMember(command.SubjectId);
        if (member.Role == AccountRole.PrimaryHolder)
        {
            throw new RuleViolationException(
                Rules.Acc2, $"{Quoted.Of(member.SubjectId)} is the primary holder of account {Quoted.Of(Id)}; hand the role to another member before changing theirs.");
        }

        if (member.Role == command.Role)
        {
            return AccountDecision.Unchanged(this);
        }

        var changed = member with { Role = command.Role };
        return AccountDecision.Of(
            this with { Members = [.. Members.Select(m => m == member ? changed : m)] },
            AuditEntry.Of(actor, now, "member", Describe(member), Describe(changed)));
    }

    /// <summary>
    /// Makes another member the primary holder and billing contact; only the current one or billing ops may. The previous
    /// holder stays on the account as a billing viewer.
    /// </summary>
    private AccountDecision Decide(Actor actor, ChangeBillingContact command, DateTimeOffset now)
    {
        Authorize(actor, AccountAction.ChangeBillingContact);
        var successor = FindMember(command.NewHolderSubjectId);
        var current = PrimaryHolder;
        if (successor == current)
        {
            return AccountDecision.Unchanged(this);
        }

        var promoted = successor with { Role = AccountRole.PrimaryHolder };
        var demoted = current with { Role = AccountRole.BillingViewer };
        return AccountDecision.Of(
            this with { Members = [.. Members.Select(m => m == successor ? promoted : m == current ? demoted : m)] },
            AuditEntry.Of(actor, now, "billing_contact", $"{current.SubjectId} <{current.Email}>", $"{promoted.SubjectId} <{promoted.Email}>"));
    }

    private AccountMember FindMember(string? subjectId)
    {
        var violations = new ViolationList();
        violations.Check("subject_id", TextRules.Required(subjectId));
        violations.ThrowIfAny();
        return Members.FirstOrDefault(m => m.SubjectId == subjectId!.Trim())
            ?? throw new NotFoundException("Member", $"{Id}/{subjectId!.Trim()}");
    }

    private static string? SecondaryRoleProblem(AccountRole role) =>
        role is AccountRole.BillingViewer or AccountRole.User or AccountRole.Administrator
            ? null
            : "must be billing-viewer, user or administrator; the primary-holder role is handed over by changing the billing contact";

    private static string Describe(AccountMember member) => $"{member.SubjectId} <{member.Email}> {RoleName(member.Role)}";
}

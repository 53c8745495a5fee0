namespace Subscriptions.Domain.Accounts.Validation;

/// <summary>Validates and normalises a contact person; field paths are prefixed, e.g. "primary_contact.email".</summary>
internal static class ContactRules
{
    /// <summary>Records every problem of <paramref name="contact"/> under <paramref name="prefix"/> and returns it normalised.</summary>
    public static ContactPerson? Validate(ContactPerson? contact, string prefix, ViolationList violations)
    {
        if (contact is null)
        {
            violations.Check(prefix, "is required");
            return null;
        }

        var nameProblem = TextRules.Required(contact.Name);
        var emailProblem = EmailRules.Problem(contact.Email);
        var phoneProblem = PhoneRules.Problem(contact.Phone);
        violations.Check($"{prefix}.name", nameProblem);
        violations.Check($"{prefix}.email", emailProblem);
        violations.Check($"{prefix}.phone", phoneProblem);
        return nameProblem is null && emailProblem is null && phoneProblem is null
            ? new ContactPerson(contact.Name.Trim(), EmailRules.Normalize(contact.Email), PhoneRules.Normalize(contact.Phone))
            : null;
    }
}

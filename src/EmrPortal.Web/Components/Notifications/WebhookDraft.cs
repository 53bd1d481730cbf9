using EmrPortal.Contracts.Notifications;

namespace EmrPortal.Web.Components.Notifications;

/// <summary>
/// A webhook destination being created or edited. The URL and the secret are write-only: the proxy never returns them,
/// so editing starts with both empty and an empty field keeps what is stored (unless "remove the secret" is ticked).
/// The draft is dropped after saving, so a typed secret does not stay in the circuit.
/// </summary>
public sealed class WebhookDraft
{
    public const int MaxNameLength = 100;
    public const int MaxUrlLength = 2048;

    public Guid? Id { get; private init; }
    public string Name { get; set; } = "";
    public string Format { get; set; } = WebhookFormats.Generic;
    public string? Url { get; set; }
    public string? Secret { get; set; }
    public bool RemoveSecret { get; set; }
    public bool Enabled { get; set; } = true;

    /// <summary>What the stored destination shows instead of its URL and secret (edit only).</summary>
    public string? UrlHint { get; private init; }
    public string? SecretHint { get; private init; }
    public bool HasSecret { get; private init; }

    public bool IsNew => Id is null;

    /// <summary>Whether the format uses a secret: the generic format signs with it, DingTalk signs its URL with it.
    /// Teams and Slack URLs carry their own secret.</summary>
    public bool UsesSecret => Format is WebhookFormats.Generic or WebhookFormats.DingTalk;

    public static WebhookDraft From(WebhookDestinationDto d) => new()
    {
        Id = d.Id,
        Name = d.Name,
        Format = d.Format,
        Enabled = d.Enabled,
        UrlHint = d.UrlHint,
        SecretHint = d.SecretHint,
        HasSecret = d.HasSecret,
    };

    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(Name)) problems.Add("Give the destination a name.");
        else if (Name.Trim().Length > MaxNameLength) problems.Add($"The name can be at most {MaxNameLength} characters.");
        if (!WebhookFormats.All.Contains(Format)) problems.Add("Choose a format.");
        if (string.IsNullOrWhiteSpace(Url))
        {
            if (IsNew) problems.Add("Enter the webhook URL.");
        }
        else if (Url.Trim().Length > MaxUrlLength || !Uri.TryCreate(Url.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http"))
        {
            problems.Add("The URL must be an absolute https:// (or http://) address.");
        }
        return problems;
    }

    /// <summary>The request: a null URL or secret keeps the stored one (edit), an empty secret removes it.</summary>
    public WebhookDestinationRequest ToRequest() => new(
        Name.Trim(),
        Format,
        Url: string.IsNullOrWhiteSpace(Url) ? null : Url.Trim(),
        Secret: !UsesSecret ? (IsNew ? null : "") : RemoveSecret ? "" : string.IsNullOrEmpty(Secret) ? null : Secret,
        Enabled: Enabled);
}

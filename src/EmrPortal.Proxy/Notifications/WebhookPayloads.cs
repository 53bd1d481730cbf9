using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using EmrPortal.Contracts;
using EmrPortal.Contracts.Notifications;

namespace EmrPortal.Proxy.Notifications;

/// <summary>One prepared webhook request: where it goes, its body and headers.</summary>
internal sealed record WebhookRequest(Uri Url, string Body, IReadOnlyList<KeyValuePair<string, string>> Headers);

/// <summary>
/// The four payload formats, built from the (already redacted) generic envelope. Generic: the envelope itself, signed
/// with HMAC-SHA256 over <c>timestamp + "." + body</c>. Teams: an Adaptive Card message for a Workflows webhook. Slack:
/// incoming-webhook text and blocks. DingTalk: a markdown robot message, with the robot's signed URL when a secret is set.
/// </summary>
internal static class WebhookPayloads
{
    public const string UserAgent = "EmrPortal-Webhooks/1";
    public const string SignatureVersion = "v1";

    public static WebhookRequest Build(string format, Uri url, string? secret, WebhookEnvelope envelope, DateTimeOffset now)
    {
        var link = envelope.Link;
        return format switch
        {
            WebhookFormats.Generic => Generic(url, secret, envelope, now),
            WebhookFormats.Teams => new WebhookRequest(url, Teams(envelope, link).ToJsonString(), []),
            WebhookFormats.Slack => new WebhookRequest(url, Slack(envelope, link).ToJsonString(), []),
            WebhookFormats.DingTalk => new WebhookRequest(DingTalkUrl(url, secret, now), DingTalk(envelope, link).ToJsonString(), []),
            _ => throw new ArgumentOutOfRangeException(nameof(format), "Unknown webhook format."),
        };
    }

    private static WebhookRequest Generic(Uri url, string? secret, WebhookEnvelope envelope, DateTimeOffset now)
    {
        var body = System.Text.Json.JsonSerializer.Serialize(envelope, PortalJsonContext.Default.WebhookEnvelope);
        var timestamp = now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var headers = new List<KeyValuePair<string, string>>
        {
            new(WebhookHeaders.EventId, envelope.Id),
            new(WebhookHeaders.Timestamp, timestamp),
        };
        if (!string.IsNullOrEmpty(secret))
        {
            headers.Add(new(WebhookHeaders.Signature, SignatureVersion + "=" + Sign(secret, timestamp, body)));
        }

        return new WebhookRequest(url, body, headers);
    }

    /// <summary>Lowercase hex HMAC-SHA256(secret, timestamp + "." + body) — what a receiver recomputes.</summary>
    public static string Sign(string secret, string timestamp, string body) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(timestamp + "." + body)));

    /// <summary>
    /// DingTalk's signed URL: <c>timestamp</c> (Unix milliseconds) and <c>sign</c> = URL-encoded
    /// Base64(HMAC-SHA256(secret, timestamp + "\n" + secret)) appended to the robot's webhook URL.
    /// </summary>
    public static Uri DingTalkUrl(Uri url, string? secret, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(secret))
        {
            return url;
        }

        var timestamp = now.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        var sign = Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(timestamp + "\n" + secret)));
        var separator = string.IsNullOrEmpty(url.Query) ? "?" : "&";
        return new Uri(url.AbsoluteUri + separator + "timestamp=" + timestamp + "&sign=" + Uri.EscapeDataString(sign));
    }

    private static JsonObject Teams(WebhookEnvelope e, string? link)
    {
        var body = new JsonArray
        {
            new JsonObject { ["type"] = "TextBlock", ["text"] = e.Title, ["weight"] = "Bolder", ["size"] = "Medium", ["wrap"] = true },
            new JsonObject { ["type"] = "TextBlock", ["text"] = e.Text, ["wrap"] = true },
            new JsonObject { ["type"] = "FactSet", ["facts"] = Facts(e) },
        };
        var card = new JsonObject
        {
            ["$schema"] = "http://adaptivecards.io/schemas/adaptive-card.json",
            ["type"] = "AdaptiveCard",
            ["version"] = "1.4",
            ["body"] = body,
        };
        if (link is not null)
        {
            card["actions"] = new JsonArray { new JsonObject { ["type"] = "Action.OpenUrl", ["title"] = "Open in EmrPortal", ["url"] = link } };
        }

        return new JsonObject
        {
            ["type"] = "message",
            ["attachments"] = new JsonArray
            {
                new JsonObject { ["contentType"] = "application/vnd.microsoft.card.adaptive", ["contentUrl"] = null, ["content"] = card },
            },
        };
    }

    private static JsonArray Facts(WebhookEnvelope e)
    {
        var facts = new JsonArray { Fact("Workspace", e.WorkspaceId) };
        if (e.Session is { } s)
        {
            facts.Add(Fact("Session", s.Name is null ? s.SessionClusterId : $"{s.Name} ({s.SessionClusterId})"));
            if (s.State is not null) facts.Add(Fact("State", s.PreviousState is null ? s.State : $"{s.PreviousState} → {s.State}"));
            if (s.UserName is not null) facts.Add(Fact("Owner", s.UserName));
            if (s.QueueName is not null) facts.Add(Fact("Queue", s.QueueName));
        }

        facts.Add(Fact("Event", e.Id));
        return facts;

        static JsonObject Fact(string title, string value) => new() { ["title"] = title, ["value"] = value };
    }

    private static JsonObject Slack(WebhookEnvelope e, string? link)
    {
        var title = SlackEscape(e.Title);
        var text = $"*{title}*\n{SlackEscape(e.Text)}";
        if (link is not null)
        {
            text += $"\n<{link}|Open in EmrPortal>";
        }

        return new JsonObject
        {
            ["text"] = e.Title,
            ["blocks"] = new JsonArray
            {
                new JsonObject { ["type"] = "section", ["text"] = new JsonObject { ["type"] = "mrkdwn", ["text"] = text } },
                new JsonObject
                {
                    ["type"] = "context",
                    ["elements"] = new JsonArray { new JsonObject { ["type"] = "mrkdwn", ["text"] = SlackEscape($"{e.WorkspaceId} · {e.Type} · {e.Id}") } },
                },
            },
        };
    }

    /// <summary>Slack's three control characters in mrkdwn.</summary>
    private static string SlackEscape(string text) => text.Replace("&", "&amp;", StringComparison.Ordinal)
        .Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);

    private static JsonObject DingTalk(WebhookEnvelope e, string? link)
    {
        var text = new StringBuilder().Append("### ").Append(MarkdownEscape(e.Title)).Append("\n\n").Append(MarkdownEscape(e.Text))
            .Append("\n\n").Append("workspace: ").Append(e.WorkspaceId).Append(" · event: ").Append(e.Id);
        if (link is not null)
        {
            text.Append("\n\n[Open in EmrPortal](").Append(link).Append(')');
        }

        return new JsonObject
        {
            ["msgtype"] = "markdown",
            ["markdown"] = new JsonObject { ["title"] = e.Title, ["text"] = text.ToString() },
        };
    }

    private static string MarkdownEscape(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (c is '[' or ']' or '(' or ')' or '*' or '_' or '`' or '#' or '<' or '>')
            {
                builder.Append('\\');
            }

            builder.Append(c);
        }

        return builder.ToString();
    }

    public static MediaTypeHeaderValue JsonContentType => new("application/json") { CharSet = "utf-8" };
}

using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Primitives;

namespace EmrPortal.DevIdentityProvider;

/// <summary>Responses: redirects back to the client, the sign-in and error pages, Entra-shaped error bodies.</summary>
public static partial class EntraEndpoints
{
    private static string BrowserBase(HttpRequest request, ProviderState state) =>
        state.Options.BrowserBaseUrl is { } configured ? configured.ToString().TrimEnd('/') : $"https://{request.Host}";

    private static IResult ReturnToClient(string redirectUri, string responseMode, Dictionary<string, string> values)
    {
        if (responseMode == "form_post")
        {
            var fields = new StringBuilder();
            foreach (var (name, value) in values.Where(v => v.Value.Length > 0))
            {
                fields.Append($"<input type=\"hidden\" name=\"{Encode(name)}\" value=\"{Encode(value)}\">");
            }

            return Html("Working...",
                $"<form method=\"post\" action=\"{Encode(redirectUri)}\" id=\"return\">{fields}<noscript><button type=\"submit\">Continue</button></noscript></form>" +
                "<script>document.getElementById('return').submit();</script>");
        }

        var query = string.Join('&', values.Where(v => v.Value.Length > 0).Select(v => $"{Uri.EscapeDataString(v.Key)}={Uri.EscapeDataString(v.Value)}"));
        return Results.Redirect($"{redirectUri}{(redirectUri.Contains('?') ? '&' : '?')}{query}");
    }

    private static IResult SignInPage(string tenant, Dictionary<string, string> parameters, ProviderState state, string? error)
    {
        var hidden = new StringBuilder();
        foreach (var (name, value) in parameters.Where(p => p.Key != "signin_user"))
        {
            hidden.Append($"<input type=\"hidden\" name=\"{Encode(name)}\" value=\"{Encode(value)}\">");
        }

        var users = new StringBuilder();
        foreach (var user in state.Options.Users.Where(u => string.Equals(state.TenantOf(u), tenant, StringComparison.OrdinalIgnoreCase)))
        {
            var roles = user.Roles.Count > 0 ? string.Join(", ", user.Roles) : "no app role";
            var groups = user.GroupsOverage ? "too many groups (overage)" : user.Groups.Count > 0 ? $"{user.Groups.Count} group(s)" : "no group";
            users.Append($"<li><button type=\"submit\" name=\"signin_user\" value=\"{Encode(user.Key)}\" data-testid=\"idp-signin-as-{Encode(user.Key)}\">")
                .Append($"<strong>{Encode(user.Name)}</strong><br><small>{Encode(user.UserName)} · {Encode(roles)} · {Encode(groups)}</small></button></li>");
        }

        var message = error is null ? "" : $"<p role=\"alert\">{Encode(error)}</p>";
        return Html("Sign in to your account",
            "<h1>Pick an account</h1><p>Development identity provider: a local stand-in for Microsoft Entra ID. No password is asked.</p>" +
            $"{message}<form method=\"post\" data-testid=\"idp-signin\">{hidden}<ul>{users}</ul></form>");
    }

    private static IResult ErrorPage(string message) =>
        Html("Sign-in error", $"<h1>Sorry, but we're having trouble signing you in.</h1><p data-testid=\"idp-error\">{Encode(message)}</p>", 400);

    private static IResult Html(string title, string body, int status = 200) => Results.Content(
        $"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{Encode(title)}</title>" +
        "<style>body{font-family:system-ui,sans-serif;max-width:34rem;margin:3rem auto}ul{list-style:none;padding:0}" +
        "button{width:100%;text-align:left;padding:.75rem;margin:.25rem 0;cursor:pointer}</style></head>" +
        $"<body>{body}</body></html>", "text/html; charset=utf-8", Encoding.UTF8, status);

    private static IResult EntraError(int status, string error, string description, int code, string? suberror = null)
    {
        var body = new JsonObject
        {
            ["error"] = error,
            ["error_description"] = description,
            ["error_codes"] = new JsonArray(code),
            ["timestamp"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd HH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture),
            ["trace_id"] = Guid.NewGuid().ToString(),
            ["correlation_id"] = Guid.NewGuid().ToString(),
        };
        if (suberror is not null)
        {
            body["suberror"] = suberror;
        }

        return Results.Json(body, statusCode: status);
    }

    private static string Encode(string value) => WebUtility.HtmlEncode(value);

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;

    private static Dictionary<string, string> ToDictionary(IEnumerable<KeyValuePair<string, StringValues>> values) =>
        values.ToDictionary(kv => kv.Key, kv => kv.Value.ToString(), StringComparer.Ordinal);
}

using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc;

namespace EmrPortal.Proxy.Extensions;

/// <summary>
/// A query parameter given twice on an API route is a 400, whatever the route: binding a string would otherwise
/// join the values with commas (<c>q=a&amp;q=b</c> searched for "a,b") or, elsewhere, silently take the first.
/// Runs after authentication and authorization, so anonymous callers still learn nothing but 401.
/// </summary>
internal static partial class RepeatedQueryGuard
{
    public static IApplicationBuilder UseRepeatedQueryGuard(this IApplicationBuilder app) =>
        app.Use((context, next) =>
            context.Request.Path.StartsWithSegments("/api", StringComparison.Ordinal) && Repeated(context.Request.Query) is { } repeated
                ? RefuseAsync(context, repeated)
                : next(context));

    /// <summary>The first query parameter given more than once, if any. Requests that pass (nearly all) go straight on, without an async state machine.</summary>
    private static string? Repeated(IQueryCollection query)
    {
        if (query.Count == 0)
        {
            return null;
        }

        foreach (var parameter in query)
        {
            if (parameter.Value.Count > 1)
            {
                return parameter.Key;
            }
        }

        return null;
    }

    private static async Task RefuseAsync(HttpContext context, string repeatedKey)
    {
        // The name is caller input: name it only when it looks like a parameter name.
        var name = SafeName().IsMatch(repeatedKey) ? repeatedKey : "query";
        var problem = new HttpValidationProblemDetails(new Dictionary<string, string[]>
        {
            [name] = ["Give each query parameter at most once."],
        })
        {
            Status = StatusCodes.Status400BadRequest,
            Title = "One or more validation errors occurred.",
        };
        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        await context.RequestServices.GetRequiredService<IProblemDetailsService>()
            .WriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem });
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_]{0,31}$")]
    private static partial Regex SafeName();
}

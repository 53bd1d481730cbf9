using System.Text.Json;
using System.Text.RegularExpressions;
using EmrPortal.Contracts;
using EmrPortal.PortalData.Stores;
using EmrPortal.Proxy.Access;
using EmrPortal.Proxy.Api;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EmrPortal.Proxy.Preferences;

/// <summary>
/// The caller's own settings, kept in the portal database so they follow them across browsers: for now the columns
/// they hid in session lists.
/// </summary>
public static partial class PreferencesEndpoints
{
    /// <summary>The stored preference's key.</summary>
    internal const string ColumnsKey = "columns";

    /// <summary>A request body larger than this is refused unread (a valid one is a few hundred bytes).</summary>
    internal const int MaxBodyBytes = 4096;

    public static ApiRoutes MapPreferencesEndpoints(this ApiRoutes routes)
    {
        routes.Api.MapGet("/me/preferences/columns", GetColumns)
            .WithTags("Me")
            .WithName("GetColumnPreferences")
            .WithSummary("The session-list columns the caller hid (none until they choose).");
        routes.Api.MapPut("/me/preferences/columns", SetColumns)
            .WithTags("Me")
            .Accepts<ColumnPreferencesDto>("application/json")
            .WithName("SetColumnPreferences")
            .WithSummary($"Replaces the caller's hidden session-list columns: at most {ColumnPreferencesDto.MaxHidden} column keys.");
        return routes;
    }

    internal static async Task<Ok<ColumnPreferencesDto>> GetColumns(Caller caller, UserPreferenceStore store, CancellationToken cancellationToken)
    {
        var stored = await store.GetAsync(caller.UserId, ColumnsKey, cancellationToken);
        return TypedResults.Ok(Read(stored?.Value));
    }

    internal static async Task<Results<Ok<ColumnPreferencesDto>, ValidationProblem, ProblemHttpResult>> SetColumns(
        HttpRequest http, Caller caller, UserPreferenceStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        if (http.ContentLength > MaxBodyBytes)
        {
            return TooLarge();
        }

        if (http.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = MaxBodyBytes;
        }

        ColumnPreferencesDto? request;
        try
        {
            request = http.HasJsonContentType()
                ? await http.ReadFromJsonAsync(PortalJsonContext.Default.ColumnPreferencesDto, cancellationToken)
                : null;
        }
        catch (JsonException)
        {
            request = null;
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooLarge();
        }

        if (request?.Hidden is null)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["body"] = ["A JSON body { \"hidden\": [\"queue\", …] } is required."],
            });
        }

        if (Validate(request.Hidden) is { } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var hidden = request.Hidden.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var value = JsonSerializer.Serialize(new ColumnPreferencesDto(hidden), PortalJsonContext.Default.ColumnPreferencesDto);
        await store.SetAsync(caller.UserId, ColumnsKey, value, time.GetUtcNow(), cancellationToken);
        return TypedResults.Ok(new ColumnPreferencesDto(hidden));
    }

    /// <summary>Null when every key is a column key and there are not too many; else the errors to answer with.</summary>
    internal static Dictionary<string, string[]>? Validate(IReadOnlyList<string?> hidden)
    {
        if (hidden.Count > ColumnPreferencesDto.MaxHidden)
        {
            return new() { ["hidden"] = [$"At most {ColumnPreferencesDto.MaxHidden} columns."] };
        }

        var bad = hidden.Select((key, i) => (key, i)).Where(k => k.key is null || !ColumnKey().IsMatch(k.key)).ToList();
        return bad.Count == 0
            ? null
            : bad.ToDictionary(k => $"hidden[{k.i}]", _ => new[] { $"A column key: {ColumnPreferencesDto.KeyPattern}" }, StringComparer.Ordinal);
    }

    /// <summary>The stored value, or no hidden columns when there is none (or it is unreadable).</summary>
    private static ColumnPreferencesDto Read(string? value)
    {
        if (value is null)
        {
            return new ColumnPreferencesDto([]);
        }

        try
        {
            var stored = JsonSerializer.Deserialize(value, PortalJsonContext.Default.ColumnPreferencesDto);
            return stored?.Hidden is { } hidden && Validate(hidden) is null ? stored : new ColumnPreferencesDto([]);
        }
        catch (JsonException)
        {
            return new ColumnPreferencesDto([]);
        }
    }

    private static ProblemHttpResult TooLarge() =>
        TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Payload Too Large",
            detail: $"A column preference is at most {MaxBodyBytes} bytes.");

    // KeyPattern, anchored at the very end (a "$" would also accept a trailing newline).
    [GeneratedRegex(@"\A[a-z][a-z0-9-]{0,31}\z", RegexOptions.CultureInvariant)]
    private static partial Regex ColumnKey();
}

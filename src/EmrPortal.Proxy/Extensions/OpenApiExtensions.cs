using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace EmrPortal.Proxy.Extensions;

/// <summary>Documents the single bearer scheme every <c>/api</c> route requires.</summary>
internal sealed class BearerSecuritySchemeTransformer : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes["Bearer"] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "JWT",
            Description = "Entra ID access token for the proxy's API (scope access_as_user), or a demo token in Demo mode.",
        };
        document.Security ??= [];
        document.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("Bearer", document)] = [] });
        return Task.CompletedTask;
    }
}

/// <summary>
/// The OpenAPI document describes every route and parameter: anonymous only in Development or when
/// <c>OpenApi:AllowAnonymous=true</c>; elsewhere only signed-in callers (the API's own policy) get it.
/// </summary>
public static class OpenApiEndpointExtensions
{
    public static IEndpointConventionBuilder MapProxyOpenApi(this WebApplication app)
    {
        var document = app.MapOpenApi();
        return app.Environment.IsDevelopment() || app.Configuration.GetValue<bool>("OpenApi:AllowAnonymous")
            ? document.AllowAnonymous()
            : document.RequireAuthorization();
    }
}

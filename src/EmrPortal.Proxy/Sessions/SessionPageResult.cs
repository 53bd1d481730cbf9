using System.Reflection;
using EmrPortal.Contracts;
using Microsoft.AspNetCore.Http.Metadata;

namespace EmrPortal.Proxy.Sessions;

/// <summary>
/// 200 with a session list page (<see cref="SessionPageDto"/> JSON), written by <see cref="SessionPageJson"/> from the
/// rows' cached JSON. Declares the same response metadata as <c>Ok&lt;SessionPageDto&gt;</c>, so the OpenAPI document
/// is unchanged.
/// </summary>
internal sealed class SessionPageResult(SessionListPage page) : IResult, IStatusCodeHttpResult, IEndpointMetadataProvider
{
    public SessionListPage Page => page;

    public int? StatusCode => StatusCodes.Status200OK;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.StatusCode = StatusCodes.Status200OK;
        return httpContext.RequestServices.GetRequiredService<SessionPageJson>().WriteAsync(httpContext.Response, page);
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(SessionPageDto), ["application/json"]));
}

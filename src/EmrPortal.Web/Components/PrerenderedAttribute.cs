using Microsoft.AspNetCore.Components.Endpoints;

namespace EmrPortal.Web.Components;

/// <summary>
/// Marks a page whose first paint matters: the document request renders it on the server (rows included), and its
/// data travels to the circuit as persistent component state, so the circuit neither fetches again nor flickers. Pages
/// without it start rendering when the circuit is up (docs/decisions.md#prerendering).
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class PrerenderedAttribute : Attribute
{
    /// <summary>True when the endpoint is a page component marked with this attribute.</summary>
    public static bool IsOn(Endpoint? endpoint) =>
        endpoint?.Metadata.GetMetadata<ComponentTypeMetadata>()?.Type is { } page
        && Attribute.IsDefined(page, typeof(PrerenderedAttribute), inherit: false);
}

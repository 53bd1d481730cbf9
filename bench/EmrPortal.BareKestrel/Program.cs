// The bare-Kestrel anchor of ./bench.sh: the same 25-row page JSON the proxy serves (the driver fetches it from the
// proxy and passes the file), precomputed as bytes and written straight to every GET /page. No routing, no
// authentication, no logging, no middleware: what the machine and the HTTP stack alone cost per request, measured in
// the same run, on the same loopback, by the same clients as the proxy.
// With BARE_DOCUMENT_FILE it also answers GET /document with that HTML: the portal run's browser floor (a trivial page
// with one marked row, no CSS, no script), timed the same way as the portal's list in the same run.
var pageFile = Environment.GetEnvironmentVariable("BARE_PAGE_FILE")
    ?? throw new InvalidOperationException("BARE_PAGE_FILE (the page JSON to serve) is required.");
var page = File.ReadAllBytes(pageFile);
var live = "Healthy"u8.ToArray();
var document = Environment.GetEnvironmentVariable("BARE_DOCUMENT_FILE") is { Length: > 0 } documentFile ? File.ReadAllBytes(documentFile) : null;

var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { Args = args });
builder.WebHost.UseKestrelCore();
var app = builder.Build();
app.Run(context =>
{
    var response = context.Response;
    if (context.Request.Path.StartsWithSegments("/page", StringComparison.Ordinal))
    {
        response.ContentType = "application/json; charset=utf-8";
        response.ContentLength = page.Length;
        return response.Body.WriteAsync(page, context.RequestAborted).AsTask();
    }

    if (document is not null && context.Request.Path.StartsWithSegments("/document", StringComparison.Ordinal))
    {
        response.ContentType = "text/html; charset=utf-8";
        response.ContentLength = document.Length;
        return response.Body.WriteAsync(document, context.RequestAborted).AsTask();
    }

    if (context.Request.Path.StartsWithSegments("/health/live", StringComparison.Ordinal))
    {
        response.ContentType = "text/plain";
        response.ContentLength = live.Length;
        return response.Body.WriteAsync(live, context.RequestAborted).AsTask();
    }

    response.StatusCode = StatusCodes.Status404NotFound;
    return Task.CompletedTask;
});
// The empty builder reads no configuration: the driver's loopback address comes from the usual variable.
app.Run(Environment.GetEnvironmentVariable("ASPNETCORE_URLS") ?? "http://127.0.0.1:5099");

// The bare-Kestrel anchor of ./bench.sh: the same 25-row page JSON the proxy serves (the driver fetches it from the
// proxy and passes the file), precomputed as bytes and written straight to every GET /page. No routing, no
// authentication, no logging, no middleware: what the machine and the HTTP stack alone cost per request, measured in
// the same run, on the same loopback, by the same clients as the proxy.
var pageFile = Environment.GetEnvironmentVariable("BARE_PAGE_FILE")
    ?? throw new InvalidOperationException("BARE_PAGE_FILE (the page JSON to serve) is required.");
var page = File.ReadAllBytes(pageFile);
var live = "Healthy"u8.ToArray();

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

using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EmrPortal.Proxy.Tests.Notifications;

/// <summary>
/// A real webhook receiver: Kestrel on a free loopback port (chosen by the OS), recording every request (path, query,
/// headers, body) and answering with <see cref="Responder"/> (default 200 "ok").
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Received> _received = new();
    private readonly SemaphoreSlim _arrived = new(0);

    public sealed record Received(string Path, string Query, IReadOnlyDictionary<string, string> Headers, string Body, int Index);

    /// <summary>Decides each answer: (request, index of the request on its path) → status and body.</summary>
    public Func<Received, CancellationToken, Task<(int Status, string Body)>> Responder { get; set; } =
        (_, _) => Task.FromResult((200, "ok"));

    private WebhookReceiver(WebApplication app) => _app = app;

    public Uri BaseUrl { get; private set; } = null!;

    public IReadOnlyCollection<Received> Requests => _received;

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.Run(receiver.HandleAsync);
        await app.StartAsync(TestContext.Current.CancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.BaseUrl = new Uri(address.TrimEnd('/') + "/");
        return receiver;
    }

    public string Url(string path) => new Uri(BaseUrl, path.TrimStart('/')).AbsoluteUri;

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var path = context.Request.Path.Value ?? "";
        int index;
        lock (_received)
        {
            index = _received.Count(r => r.Path == path);
            _received.Enqueue(new Received(path, context.Request.QueryString.Value ?? "", headers, body, index));
        }

        _arrived.Release();
        var (status, answer) = await Responder(new Received(path, context.Request.QueryString.Value ?? "", headers, body, index), context.RequestAborted);
        context.Response.StatusCode = status;
        await context.Response.WriteAsync(answer, context.RequestAborted);
    }

    /// <summary>Waits until at least <paramref name="count"/> requests matched <paramref name="predicate"/>.</summary>
    public async Task<IReadOnlyList<Received>> WaitForAsync(int count, Func<Received, bool>? predicate = null, TimeSpan? timeout = null)
    {
        predicate ??= _ => true;
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(timeout ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            var matching = _received.Where(predicate).ToList();
            if (matching.Count >= count)
            {
                return matching;
            }

            try
            {
                await _arrived.WaitAsync(TimeSpan.FromMilliseconds(250), cts.Token);
            }
            catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"The receiver got {matching.Count} of {count} expected requests.");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }
}

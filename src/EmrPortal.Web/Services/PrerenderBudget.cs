using EmrPortal.Web.Options;
using Microsoft.Extensions.Options;

namespace EmrPortal.Web.Services;

/// <summary>
/// The time a prerendered page may spend on proxy calls (<see cref="ProxyOptions.PrerenderBudget"/>), counted from the
/// start of the prerender, for all its calls together. Scoped: a document request's scope starts it when it prerenders
/// (<see cref="Start"/>, called by the router); a circuit's scope never does, so interactive calls keep the full timeout
/// and retries. <see cref="ProxyClient"/> links <see cref="Token"/> into every call and answers a call the budget cut off
/// with <see cref="ProxyFailureKind.Deferred"/>: the page is sent in its loading state and the circuit asks again
/// (docs/decisions.md#prerender-budget).
/// </summary>
public sealed class PrerenderBudget(IOptions<ProxyOptions> options, TimeProvider time) : IDisposable
{
    private CancellationTokenSource? _cts;

    /// <summary>Starts the budget (once: a second call keeps the first deadline).</summary>
    public void Start() => _cts ??= new CancellationTokenSource(options.Value.PrerenderBudget, time);

    /// <summary>Cancelled when the budget is spent; <see cref="CancellationToken.None"/> when no budget was started.</summary>
    public CancellationToken Token => _cts?.Token ?? CancellationToken.None;

    public void Dispose() => _cts?.Dispose();
}

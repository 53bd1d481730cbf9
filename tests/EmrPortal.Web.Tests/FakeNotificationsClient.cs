using System.Collections.Concurrent;
using EmrPortal.Contracts.Notifications;
using EmrPortal.Web.Services;

namespace EmrPortal.Web.Tests;

/// <summary>An in-memory notification API: keeps notifications, rules, mutes and destinations, records every call.</summary>
public sealed class FakeNotificationsClient : INotificationsClient
{
    private long _nextId = 1;

    public List<NotificationDto> Notifications { get; } = [];
    public List<NotificationRuleDto> Rules { get; } = [];
    public List<MuteDto> Mutes { get; } = [];
    public List<WebhookDestinationDto> Webhooks { get; } = [];
    public List<DeliveryDto> DeadLetters { get; } = [];
    public ProxyFailure? FailWith { get; set; }
    public Func<Guid, WebhookTestResultDto> TestResult { get; set; } = _ => new(true, 200, null, "evt-test");

    public int UnreadCountCalls;
    public ConcurrentQueue<(int Page, int PageSize, bool Unread)> PageRequests { get; } = new();
    public ConcurrentQueue<MarkReadRequest> MarkReadRequests { get; } = new();
    public ConcurrentQueue<MuteRequest> MuteRequests { get; } = new();
    public ConcurrentQueue<(string Workspace, Guid? RuleId, NotificationRuleRequest Request)> RuleRequests { get; } = new();
    public ConcurrentQueue<(string Workspace, Guid? Id, WebhookDestinationRequest Request)> WebhookRequests { get; } = new();
    public ConcurrentQueue<Guid> DeletedRules { get; } = new();
    public ConcurrentQueue<Guid> DeletedWebhooks { get; } = new();
    public ConcurrentQueue<Guid> TestedWebhooks { get; } = new();
    public ConcurrentQueue<long> RetriedDeliveries { get; } = new();
    public int WebhookCalls;

    public NotificationDto Add(string workspaceId, string? sessionId, string title, bool read = false, string? link = null)
    {
        lock (Notifications)
        {
            var n = new NotificationDto(_nextId++, $"evt-{_nextId}", null, workspaceId, sessionId, EventTypes.SessionError, title,
                $"{sessionId} entered Error", link ?? (sessionId is null ? $"/workspaces/{workspaceId}" : $"/workspaces/{workspaceId}/sessions/{sessionId}"),
                FakeProxyClient.T0, read);
            Notifications.Insert(0, n);
            return n;
        }
    }

    private int Unread
    {
        get
        {
            lock (Notifications) return Notifications.Count(n => !n.Read);
        }
    }

    public Task<ProxyResult<UnreadCountDto>> GetUnreadCountAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref UnreadCountCalls);
        if (FailWith is { } f) return Task.FromResult(ProxyResult<UnreadCountDto>.Fail(f));
        lock (Notifications) return Task.FromResult(ProxyResult<UnreadCountDto>.Success(new(Unread, Notifications.Count == 0 ? 0 : Notifications.Max(n => n.Id))));
    }

    public Task<ProxyResult<NotificationPageDto>> GetNotificationsAsync(int page, int pageSize, bool unreadOnly, CancellationToken cancellationToken)
    {
        PageRequests.Enqueue((page, pageSize, unreadOnly));
        if (FailWith is { } f) return Task.FromResult(ProxyResult<NotificationPageDto>.Fail(f));
        lock (Notifications)
        {
            var all = Notifications.Where(n => !unreadOnly || !n.Read).ToList();
            return Task.FromResult(ProxyResult<NotificationPageDto>.Success(
                new([.. all.Skip((page - 1) * pageSize).Take(pageSize)], all.Count, Unread, page, pageSize)));
        }
    }

    public Task<ProxyResult<MarkReadResultDto>> MarkReadAsync(MarkReadRequest request, CancellationToken cancellationToken)
    {
        MarkReadRequests.Enqueue(request);
        lock (Notifications)
        {
            var marked = 0;
            for (var i = 0; i < Notifications.Count; i++)
            {
                var n = Notifications[i];
                if (n.Read) continue;
                if (request.All ? request.WorkspaceId is null || request.WorkspaceId == n.WorkspaceId : request.Ids?.Contains(n.Id) == true)
                {
                    Notifications[i] = n with { Read = true };
                    marked++;
                }
            }
            return Task.FromResult(ProxyResult<MarkReadResultDto>.Success(new(marked, Unread)));
        }
    }

    public Task<ProxyResult<IReadOnlyList<MuteDto>>> GetMutesAsync(CancellationToken cancellationToken) =>
        Task.FromResult(ProxyResult<IReadOnlyList<MuteDto>>.Success([.. Mutes]));

    public Task<ProxyResult<MuteDto>> MuteAsync(MuteRequest request, CancellationToken cancellationToken)
    {
        MuteRequests.Enqueue(request);
        var mute = new MuteDto(Guid.NewGuid(), request.WorkspaceId, request.RuleId, request.Until, FakeProxyClient.T0);
        Mutes.Add(mute);
        return Task.FromResult(ProxyResult<MuteDto>.Success(mute));
    }

    public Task<ProxyFailure?> UnmuteAsync(Guid muteId, CancellationToken cancellationToken)
    {
        Mutes.RemoveAll(m => m.Id == muteId);
        return Task.FromResult<ProxyFailure?>(null);
    }

    public Task<ProxyResult<IReadOnlyList<NotificationRuleDto>>> GetRulesAsync(string workspaceId, CancellationToken cancellationToken) =>
        Task.FromResult(FailWith is { } f ? ProxyResult<IReadOnlyList<NotificationRuleDto>>.Fail(f)
            : ProxyResult<IReadOnlyList<NotificationRuleDto>>.Success([.. Rules.Where(r => r.WorkspaceId == workspaceId)]));

    public Task<ProxyResult<NotificationRuleDto>> CreateRuleAsync(string workspaceId, NotificationRuleRequest request, CancellationToken cancellationToken)
    {
        RuleRequests.Enqueue((workspaceId, null, request));
        var rule = ToRule(Guid.NewGuid(), workspaceId, request, "viewer");
        Rules.Add(rule);
        return Task.FromResult(ProxyResult<NotificationRuleDto>.Success(rule));
    }

    public Task<ProxyResult<NotificationRuleDto>> UpdateRuleAsync(string workspaceId, Guid ruleId, NotificationRuleRequest request, CancellationToken cancellationToken)
    {
        RuleRequests.Enqueue((workspaceId, ruleId, request));
        var i = Rules.FindIndex(r => r.Id == ruleId);
        if (i < 0) return Task.FromResult(ProxyResult<NotificationRuleDto>.Fail(new(ProxyFailureKind.NotFound, 404, "No such rule.", null)));
        Rules[i] = ToRule(ruleId, workspaceId, request, Rules[i].CreatedBy);
        return Task.FromResult(ProxyResult<NotificationRuleDto>.Success(Rules[i]));
    }

    public Task<ProxyFailure?> DeleteRuleAsync(string workspaceId, Guid ruleId, CancellationToken cancellationToken)
    {
        DeletedRules.Enqueue(ruleId);
        Rules.RemoveAll(r => r.Id == ruleId);
        return Task.FromResult<ProxyFailure?>(null);
    }

    public static NotificationRuleDto ToRule(Guid id, string workspaceId, NotificationRuleRequest r, string owner) =>
        new(id, workspaceId, r.Kind, r.Name ?? r.Kind, r.Enabled, r.OnlyMine, r.Queue, r.SessionKind, r.Hours, r.Minutes, r.ViewId,
            r.DestinationIds ?? [], owner, owner == "viewer" ? "Vic Viewer" : owner, FakeProxyClient.T0);

    public Task<ProxyResult<IReadOnlyList<WebhookDestinationDto>>> GetWebhooksAsync(string workspaceId, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref WebhookCalls);
        return Task.FromResult(ProxyResult<IReadOnlyList<WebhookDestinationDto>>.Success([.. Webhooks.Where(w => w.WorkspaceId == workspaceId)]));
    }

    public Task<ProxyResult<WebhookDestinationDto>> CreateWebhookAsync(string workspaceId, WebhookDestinationRequest request, CancellationToken cancellationToken)
    {
        WebhookRequests.Enqueue((workspaceId, null, request));
        var d = new WebhookDestinationDto(Guid.NewGuid(), workspaceId, request.Name, request.Format, Hint(request.Url), request.Secret is { Length: > 0 },
            SecretHint(request.Secret), request.Enabled, "admin", FakeProxyClient.T0, FakeProxyClient.T0);
        Webhooks.Add(d);
        return Task.FromResult(ProxyResult<WebhookDestinationDto>.Success(d));
    }

    public Task<ProxyResult<WebhookDestinationDto>> UpdateWebhookAsync(string workspaceId, Guid destinationId, WebhookDestinationRequest request, CancellationToken cancellationToken)
    {
        WebhookRequests.Enqueue((workspaceId, destinationId, request));
        var i = Webhooks.FindIndex(w => w.Id == destinationId);
        var old = Webhooks[i];
        Webhooks[i] = old with
        {
            Name = request.Name,
            Format = request.Format,
            UrlHint = request.Url is null ? old.UrlHint : Hint(request.Url),
            HasSecret = request.Secret is null ? old.HasSecret : request.Secret.Length > 0,
            SecretHint = request.Secret is null ? old.SecretHint : SecretHint(request.Secret),
            Enabled = request.Enabled,
        };
        return Task.FromResult(ProxyResult<WebhookDestinationDto>.Success(Webhooks[i]));
    }

    /// <summary>As the proxy shows a secret: bullets and, for a long one, its last four characters.</summary>
    private static string? SecretHint(string? secret) =>
        secret is not { Length: > 0 } ? null : secret.Length >= 16 ? "••••" + secret[^4..] : "••••";

    private static string Hint(string? url) => url is null ? "" : new Uri(url).GetLeftPart(UriPartial.Authority);

    public Task<ProxyFailure?> DeleteWebhookAsync(string workspaceId, Guid destinationId, CancellationToken cancellationToken)
    {
        DeletedWebhooks.Enqueue(destinationId);
        Webhooks.RemoveAll(w => w.Id == destinationId);
        return Task.FromResult<ProxyFailure?>(null);
    }

    public Task<ProxyResult<WebhookTestResultDto>> TestWebhookAsync(string workspaceId, Guid destinationId, CancellationToken cancellationToken)
    {
        TestedWebhooks.Enqueue(destinationId);
        return Task.FromResult(ProxyResult<WebhookTestResultDto>.Success(TestResult(destinationId)));
    }

    public Task<ProxyResult<DeliveryPageDto>> GetDeadLettersAsync(string workspaceId, int page, int pageSize, CancellationToken cancellationToken)
    {
        var items = DeadLetters.Where(d => d.WorkspaceId == workspaceId).ToList();
        return Task.FromResult(ProxyResult<DeliveryPageDto>.Success(new([.. items.Skip((page - 1) * pageSize).Take(pageSize)], items.Count, page, pageSize)));
    }

    public Task<ProxyFailure?> RetryDeadLetterAsync(long deliveryId, CancellationToken cancellationToken)
    {
        RetriedDeliveries.Enqueue(deliveryId);
        DeadLetters.RemoveAll(d => d.Id == deliveryId);
        return Task.FromResult<ProxyFailure?>(null);
    }
}

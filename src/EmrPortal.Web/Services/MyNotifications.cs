using EmrPortal.Contracts.Notifications;

namespace EmrPortal.Web.Services;

/// <summary>
/// The signed-in user's notifications as one circuit sees them: the unread count shared with the user's other tabs
/// (<see cref="UnreadCounts"/>), and the changes that move it (mark as read), which tell those tabs at once.
/// </summary>
public sealed class MyNotifications(INotificationsClient client, UnreadCounts counts, ICircuitUserAccessor user)
{
    /// <summary>How often an open tab asks for the count. See docs/decisions.md#the-bell-polls-the-proxy-cheaply-per-user.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(10);

    /// <summary>Set when the proxy said the sign-in is gone: asking again is pointless until the page reloads.</summary>
    public bool SignInRequired { get; private set; }

    /// <summary>The key the count is shared under: the signed-in user's object id (never shown, never sent anywhere).</summary>
    private string? UserKey => user.User.UserId();

    /// <summary>Calls <paramref name="changed"/> whenever any tab of this user learns a new count; null without a user.</summary>
    public IDisposable? Subscribe(Action<int> changed) => UserKey is { } key ? counts.Subscribe(key, changed) : null;

    /// <summary>The unread count (shared, at most <see cref="UnreadCounts.MaxAge"/> old unless <paramref name="force"/>), or
    /// null when the proxy could not say.</summary>
    public Task<int?> GetUnreadCountAsync(bool force, CancellationToken cancellationToken) =>
        UserKey is { } key && !SignInRequired ? counts.GetAsync(key, FetchAsync, force, cancellationToken) : Task.FromResult<int?>(null);

    /// <summary>Marks notifications read and tells every open tab of the user the new count.</summary>
    public async Task<ProxyResult<MarkReadResultDto>> MarkReadAsync(MarkReadRequest request, CancellationToken cancellationToken)
    {
        var result = await client.MarkReadAsync(request, cancellationToken);
        if (result.Value is { } done && UserKey is { } key) counts.Publish(key, done.UnreadCount);
        return result;
    }

    /// <summary>Tells every open tab of the user a count learned another way (e.g. with a page of notifications).</summary>
    public void Publish(int unreadCount)
    {
        if (UserKey is { } key) counts.Publish(key, unreadCount);
    }

    private async Task<int?> FetchAsync(CancellationToken cancellationToken)
    {
        var result = await client.GetUnreadCountAsync(cancellationToken);
        if (result.Failure?.Kind == ProxyFailureKind.SignInRequired) SignInRequired = true;
        return result.Value?.Count;
    }
}

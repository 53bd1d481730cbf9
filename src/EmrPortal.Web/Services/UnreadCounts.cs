using System.Collections.Concurrent;

namespace EmrPortal.Web.Services;

/// <summary>
/// One unread-notification count per user for this Web instance, shared by every open tab (circuit) of that user.
/// Each tab's bell asks for the count on its own timer, but a count younger than <see cref="MaxAge"/> is reused and
/// concurrent asks for one user share a single proxy call, so ten open tabs cost what one does. A tab that changes
/// the count (mark as read) publishes the new value and every other tab of the user shows it at once.
/// See docs/decisions.md#the-bell-polls-the-proxy-cheaply-per-user.
/// </summary>
public sealed class UnreadCounts(TimeProvider time)
{
    /// <summary>How old a shared count may be before the next ask goes to the proxy again.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<string, Entry> _users = new(StringComparer.Ordinal);

    /// <summary>Calls <paramref name="changed"/> (on any thread) whenever the user's count is published.</summary>
    public IDisposable Subscribe(string userId, Action<int> changed)
    {
        while (true)
        {
            var entry = _users.GetOrAdd(userId, _ => new Entry());
            lock (entry)
            {
                // Lost a race with the last tab's unsubscribe: that entry is gone, take the new one.
                if (entry.Removed) continue;
                entry.Listeners.Add(changed);
            }
            return new Subscription(this, userId, entry, changed);
        }
    }

    /// <summary>The user's count: the shared one while younger than <see cref="MaxAge"/> (unless <paramref name="force"/>),
    /// else one proxy call through <paramref name="fetch"/> shared by everyone asking meanwhile. Null when the proxy
    /// could not say (the bell keeps what it showed).</summary>
    public async Task<int?> GetAsync(string userId, Func<CancellationToken, Task<int?>> fetch, bool force, CancellationToken cancellationToken)
    {
        var entry = _users.GetOrAdd(userId, _ => new Entry());
        Task<int?> pending;
        lock (entry)
        {
            if (!force && entry.Count is { } known && time.GetUtcNow() - entry.At < MaxAge) return known;
            // A forced ask (after this user changed something) never joins a call that started before the change.
            if (entry.Pending is null || force)
            {
                // The shared call is not tied to one tab's token: a tab closing must not fail the others' ask.
                entry.PendingGeneration = ++entry.Generation;
                entry.Pending = FetchAndPublishAsync(userId, entry, entry.PendingGeneration, fetch);
            }
            pending = entry.Pending;
        }
        return await pending.WaitAsync(cancellationToken);
    }

    /// <summary>Sets the user's count (e.g. the answer to "mark all as read") and tells every open tab of the user.</summary>
    public void Publish(string userId, int count) => Publish(userId, count, generation: null);

    private void Publish(string userId, int count, long? generation)
    {
        // Nobody of this user has a bell open on this instance: nothing to tell, nothing to keep.
        if (!_users.TryGetValue(userId, out var entry)) return;
        Action<int>[] listeners;
        lock (entry)
        {
            // An answer to an older call must not overwrite what a newer call or an explicit publish said.
            if (generation is { } g && g < entry.Generation) return;
            if (generation is null) entry.Generation++;
            entry.Count = count;
            entry.At = time.GetUtcNow();
            listeners = [.. entry.Listeners];
        }
        foreach (var listener in listeners) listener(count);
    }

    private async Task<int?> FetchAndPublishAsync(string userId, Entry entry, long generation, Func<CancellationToken, Task<int?>> fetch)
    {
        try
        {
            await Task.Yield();
            var count = await fetch(CancellationToken.None);
            if (count is { } value) Publish(userId, value, generation);
            return count;
        }
        finally
        {
            lock (entry)
            {
                if (entry.PendingGeneration == generation) entry.Pending = null;
            }
        }
    }

    private void Unsubscribe(string userId, Entry entry, Action<int> changed)
    {
        lock (entry)
        {
            entry.Listeners.Remove(changed);
            // The last tab of the user closed: forget the user (the dictionary must not grow with every past user).
            if (entry.Listeners.Count == 0)
            {
                entry.Removed = true;
                _users.TryRemove(new KeyValuePair<string, Entry>(userId, entry));
            }
        }
    }

    private sealed class Entry
    {
        public List<Action<int>> Listeners { get; } = [];
        public int? Count { get; set; }
        public DateTimeOffset At { get; set; }
        public Task<int?>? Pending { get; set; }
        public long Generation { get; set; }
        public long PendingGeneration { get; set; }
        public bool Removed { get; set; }
    }

    private sealed class Subscription(UnreadCounts owner, string userId, Entry entry, Action<int> changed) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) owner.Unsubscribe(userId, entry, changed);
        }
    }
}

using System.Collections.Concurrent;
using System.Threading.Channels;

namespace EdgeAccess.Cloud.Booking.Notifications;

/// <summary>
/// This hub instance's live watch subscribers, per user. Fed by <see cref="WatchListener"/> (the
/// NOTIFYs of every instance's fan-out), so a watcher hears a notification whichever instance's
/// dispatcher ran it. A subscriber that falls 256 items behind loses the oldest (it can replay
/// from the notification history with <c>since</c>).
/// </summary>
public sealed class NotificationBroadcaster
{
    private readonly ConcurrentDictionary<Guid, ConcurrentDictionary<Channel<WatchSignal>, byte>> _subscribers = new();

    /// <summary>Subscribes to <paramref name="userId"/>'s notifications until the subscription is disposed.</summary>
    public Subscription Subscribe(Guid userId)
    {
        var channel = Channel.CreateBounded<WatchSignal>(new BoundedChannelOptions(256) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        _subscribers.GetOrAdd(userId, _ => new())[channel] = 0;
        return new Subscription(this, userId, channel);
    }

    /// <summary>Hands <paramref name="signal"/> to its user's subscribers on this instance.</summary>
    public void Publish(WatchSignal signal)
    {
        if (_subscribers.TryGetValue(signal.UserId, out var channels))
        {
            foreach (var channel in channels.Keys)
            {
                channel.Writer.TryWrite(signal);
            }
        }
    }

    /// <summary>The number of live subscriptions (all users).</summary>
    public int Count => _subscribers.Values.Sum(c => c.Count);

    /// <summary>One watcher's queue.</summary>
    public sealed class Subscription(NotificationBroadcaster owner, Guid userId, Channel<WatchSignal> channel) : IDisposable
    {
        /// <summary>The notifications, in arrival order.</summary>
        public ChannelReader<WatchSignal> Reader => channel.Reader;

        /// <inheritdoc />
        public void Dispose()
        {
            if (owner._subscribers.TryGetValue(userId, out var channels))
            {
                channels.TryRemove(channel, out _);
            }

            channel.Writer.TryComplete();
        }
    }
}

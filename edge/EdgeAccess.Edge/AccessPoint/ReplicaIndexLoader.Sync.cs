using EdgeAccess.Decisions;
using EdgeAccess.Edge.Replica;
using EdgeAccess.Protos.V1;

namespace EdgeAccess.Edge.AccessPoint;

public sealed partial class ReplicaIndexLoader
{
    /// <summary>Raised after a new index was published (tests and the propagation benchmark watch it).</summary>
    public event EventHandler<DecisionIndex>? IndexPublished;

    /// <summary>
    /// Set when the replica failed an integrity check: decisions then follow the degraded policy
    /// (as with an expired lease) until a snapshot replaces the replica.
    /// </summary>
    public bool ReplicaTampered
    {
        get => Volatile.Read(ref _tampered);
        set => Volatile.Write(ref _tampered, value);
    }

    private bool _tampered;

    /// <summary>Whether changes were applied to the replica that the published index does not show yet.</summary>
    public bool HasUnpublishedChanges { get; private set; }

    /// <summary>
    /// Applies feed changes to the replica (durably, one transaction) and to the in-memory records;
    /// with <paramref name="publish"/> the index is rebuilt and swapped at once, otherwise the
    /// rebuild waits for <see cref="PublishPendingAsync"/> — so a node catching up on many batches
    /// builds once at the end, not once per batch.
    /// </summary>
    /// <returns>How many changes were new (the replica skips ones it already holds).</returns>
    /// <exception cref="ReplicaGapException">The changes do not continue the replica's position.</exception>
    public async Task<int> ApplyChangesAsync(IReadOnlyList<FeedChange> changes, bool publish, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(changes);
        await _reloadGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var before = Store.Position;
            var applied = await Store.ApplyChangesAsync(changes, cancellationToken).ConfigureAwait(false);
            if (_builder is null)
            {
                // No usable index yet (no site record so far): build from the whole replica.
                HasUnpublishedChanges = true;
            }
            else
            {
                foreach (var change in changes)
                {
                    if (change.Position > before)
                    {
                        _builder.Apply(change);
                    }
                }

                _builder.Position = Store.Position;
                HasUnpublishedChanges |= applied > 0 || Holder?.Current.Position != Store.Position;
            }

            if (publish)
            {
                PublishPendingLocked();
            }

            return applied;
        }
        finally
        {
            _reloadGate.Release();
        }
    }

    /// <summary>Publishes an index of changes applied without publishing; nothing when there are none.</summary>
    public async Task PublishPendingAsync(CancellationToken cancellationToken)
    {
        await _reloadGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            PublishPendingLocked();
        }
        finally
        {
            _reloadGate.Release();
        }
    }

    /// <summary>
    /// Replaces the replica with a snapshot (atomically: a failure or crash part-way leaves the
    /// previous replica whole) and publishes an index built from it.
    /// </summary>
    /// <returns>How many records the snapshot held.</returns>
    /// <param name="chunks">The snapshot's records.</param>
    /// <param name="position">The feed position the snapshot reflects.</param>
    /// <param name="siteId">The site.</param>
    /// <param name="received">
    /// A builder the caller filled with the same records while they streamed past, so the index is
    /// built without reading the new replica back (for a million records, 40 % of a bootstrap);
    /// null to read it back.
    /// </param>
    /// <param name="cancellationToken">Abandons the snapshot; the previous replica stays.</param>
    public async Task<long> ApplySnapshotAsync(
        IAsyncEnumerable<IReadOnlyList<ReplicaRecord>> chunks, long position, string siteId, DecisionIndex.Builder? received,
        CancellationToken cancellationToken)
    {
        var count = await Store.ApplySnapshotAsync(chunks, position, siteId, cancellationToken).ConfigureAwait(false);
        if (received is null)
        {
            await ReloadAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await _reloadGate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                received.Position = Store.Position;
                _builder = received;
                Publish(received, _time.GetTimestamp());
            }
            finally
            {
                _reloadGate.Release();
            }
        }

        HasUnpublishedChanges = false;
        ReplicaTampered = false;
        return count;
    }

    private void PublishPendingLocked()
    {
        if (!HasUnpublishedChanges)
        {
            return;
        }

        var started = _time.GetTimestamp();
        if (_builder is null)
        {
            // Rare: the first records with a site arrived as changes. Read everything once.
            var builder = new DecisionIndex.Builder();
            foreach (var record in Store.ReadAllAsync(CancellationToken.None).ToBlockingEnumerable())
            {
                Add(builder, record);
            }

            builder.Position = Store.Position;
            if (Publish(builder, started) is not null)
            {
                _builder = builder;
            }
        }
        else
        {
            Publish(_builder, started);
        }

        HasUnpublishedChanges = _builder is null;
    }
}

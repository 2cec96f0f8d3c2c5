using System.Collections.Concurrent;
using Medallion.Threading;

namespace Template.Infrastructure.Caching;

/// <summary>
/// The in-memory mode's <see cref="IDistributedLockProvider"/>: one process is the whole service there, so a
/// process-wide lock per name is a distributed lock. Code written against it runs unchanged on Redis.
/// </summary>
internal sealed class InProcessLockProvider : IDistributedLockProvider
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> semaphores = new(StringComparer.Ordinal);

    public IDistributedLock CreateLock(string name) =>
        new InProcessLock(name, semaphores.GetOrAdd(name, _ => new SemaphoreSlim(1, 1)));

    private sealed class InProcessLock(string name, SemaphoreSlim semaphore) : IDistributedLock
    {
        public string Name { get; } = name;

        public IDistributedSynchronizationHandle? TryAcquire(
            TimeSpan timeout = default, CancellationToken cancellationToken = default) =>
            semaphore.Wait(timeout, cancellationToken) ? new Handle(semaphore) : null;

        public IDistributedSynchronizationHandle Acquire(
            TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
            TryAcquire(timeout ?? Timeout.InfiniteTimeSpan, cancellationToken)
                ?? throw new TimeoutException($"Timed out waiting for lock '{Name}'.");

        public async ValueTask<IDistributedSynchronizationHandle?> TryAcquireAsync(
            TimeSpan timeout = default, CancellationToken cancellationToken = default) =>
            await semaphore.WaitAsync(timeout, cancellationToken) ? new Handle(semaphore) : null;

        public async ValueTask<IDistributedSynchronizationHandle> AcquireAsync(
            TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
            await TryAcquireAsync(timeout ?? Timeout.InfiniteTimeSpan, cancellationToken)
                ?? throw new TimeoutException($"Timed out waiting for lock '{Name}'.");
    }

    private sealed class Handle(SemaphoreSlim semaphore) : IDistributedSynchronizationHandle
    {
        private int released;

        // A process-local lock cannot be lost the way a Redis lease can, so this token never fires.
        public CancellationToken HandleLostToken => CancellationToken.None;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref released, 1) == 0)
            {
                semaphore.Release();
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}

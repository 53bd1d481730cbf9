using System.Threading.Channels;
using EmrPortal.PortalData;
using EmrPortal.PortalData.Stores;

namespace EmrPortal.Proxy.Audit;

/// <summary>
/// Moves audit records to the portal database in batches, off the request path. The structured log line is written
/// first by <see cref="AuditTrail"/>, so an entry the database misses (queue full, database down) is still on record.
/// </summary>
internal sealed partial class AuditWriter(AuditLog log, PortalDatabaseReady ready, ILogger<AuditWriter> logger) : BackgroundService
{
    private const int Capacity = 10_000;
    private const int MaxBatch = 200;
    private readonly Channel<AuditRecord> _queue = Channel.CreateBounded<AuditRecord>(new BoundedChannelOptions(Capacity)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait,
    });

    private int _pending;

    public void Enqueue(AuditRecord record)
    {
        Interlocked.Increment(ref _pending);
        if (!_queue.Writer.TryWrite(record))
        {
            Interlocked.Decrement(ref _pending);
            LogDropped(logger, record.Action);
        }
    }

    /// <summary>Waits until every record enqueued so far is written (or failed).</summary>
    public async Task WhenIdleAsync(CancellationToken cancellationToken)
    {
        while (Volatile.Read(ref _pending) > 0)
        {
            await Task.Delay(10, cancellationToken);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await ready.WhenReady.WaitAsync(stoppingToken);
        var batch = new List<AuditRecord>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync(stoppingToken))
        {
            batch.Clear();
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var record))
            {
                batch.Add(record);
            }

            try
            {
                await log.AppendAsync(batch, stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogFailed(logger, batch.Count, ex.GetType().Name);
            }
            finally
            {
                Interlocked.Add(ref _pending, -batch.Count);
            }
        }
    }

    [LoggerMessage(EventId = 4001, Level = LogLevel.Warning, Message = "Audit queue full: a {Action} entry is only in the log")]
    private static partial void LogDropped(ILogger logger, string action);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Warning, Message = "Writing {Count} audit entries to the database failed ({ErrorType}); they are only in the log")]
    private static partial void LogFailed(ILogger logger, int count, string errorType);
}

using BenchmarkDotNet.Attributes;
using EmrPortal.Contracts;
using EmrPortal.Proxy.Sessions;

namespace EmrPortal.Benchmarks.Micro;

/// <summary>The proxy's CSV export of 10,000 sessions (CsvHelper with formula-injection escaping), into a counting sink.</summary>
public class CsvBenchmarks
{
    private SessionSummaryDto[] _rows = null!;
    private CountingStream _sink = null!;

    [GlobalSetup]
    public void Setup()
    {
        _rows = SyntheticSessions.Summaries(10_000);
        _sink = new CountingStream();
    }

    /// <summary>Bytes of the last export (reported next to the time).</summary>
    public long LastBytes => _sink.Position;

    [Benchmark(Description = "SessionCsv.WriteAsync, 10k rows")]
    public async Task<long> Csv10k()
    {
        _sink.Reset();
        await SessionCsv.WriteAsync(_sink, _rows, CancellationToken.None);
        return _sink.Position;
    }

    /// <summary>A write-only stream that only counts, so the benchmark measures formatting, not memory growth.</summary>
    internal sealed class CountingStream : Stream
    {
        private long _length;

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => _length;
        public override long Position { get => _length; set => throw new NotSupportedException(); }

        public void Reset() => _length = 0;

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => _length += count;
        public override void Write(ReadOnlySpan<byte> buffer) => _length += buffer.Length;

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            _length += buffer.Length;
            return ValueTask.CompletedTask;
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            _length += count;
            return Task.CompletedTask;
        }

        public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}

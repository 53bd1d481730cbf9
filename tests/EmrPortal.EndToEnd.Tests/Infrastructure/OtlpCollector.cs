using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace EmrPortal.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A minimal OTLP/HTTP (protobuf) receiver on loopback: the published apps export their traces here, so a test can
/// check that one click in the portal is one trace down to the emulator. It decodes just the span fields it needs
/// (trace id, span name, instrumentation scope, service name) with a tiny protobuf reader; metrics and logs are
/// accepted and dropped.
/// </summary>
internal sealed class OtlpCollector : IAsyncDisposable
{
    private readonly HttpListener _listener;
    private readonly ConcurrentQueue<CollectedSpan> _spans = new();
    private readonly Task _loop;

    public OtlpCollector()
    {
        // HttpListener cannot bind port 0: choose a free port and bind it, choosing again if something took it in between.
        for (var attempt = 1; ; attempt++)
        {
            Port = FreePort.Next();
            _listener = new HttpListener();
            _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
            try
            {
                _listener.Start();
                break;
            }
            catch (HttpListenerException) when (attempt < 10)
            {
                _listener.Close();
            }
        }

        _loop = Task.Run(AcceptLoopAsync);
    }

    public int Port { get; }

    public string Endpoint => $"http://127.0.0.1:{Port}";

    public IReadOnlyList<CollectedSpan> Spans => _spans.ToArray();

    /// <summary>Settings that make a .NET app (ServiceDefaults' UseOtlpExporter) export here quickly, under <paramref name="serviceName"/>.</summary>
    public Dictionary<string, string?> ExporterSettings(string serviceName) => new()
    {
        ["OTEL_EXPORTER_OTLP_ENDPOINT"] = Endpoint,
        ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        ["OTEL_SERVICE_NAME"] = serviceName,
        ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
        ["OTEL_METRIC_EXPORT_INTERVAL"] = "60000",
    };

    private async Task AcceptLoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            try
            {
                using var body = new MemoryStream();
                await context.Request.InputStream.CopyToAsync(body);
                if (context.Request.Url?.AbsolutePath == "/v1/traces")
                {
                    foreach (var span in ParseTraces(body.ToArray()))
                    {
                        _spans.Enqueue(span);
                    }
                }

                context.Response.StatusCode = 200;
                context.Response.ContentType = "application/x-protobuf";
            }
            catch (FormatException)
            {
                context.Response.StatusCode = 400;
            }
            finally
            {
                context.Response.Close();
            }
        }
    }

    /// <summary>ExportTraceServiceRequest → ResourceSpans(1: resource, 2: scope_spans) → ScopeSpans(1: scope, 2: spans) → Span.</summary>
    internal static IEnumerable<CollectedSpan> ParseTraces(byte[] request)
    {
        foreach (var resourceSpans in Proto.Messages(request, 1))
        {
            var service = "";
            foreach (var resource in Proto.Messages(resourceSpans, 1))
            {
                foreach (var attribute in Proto.Messages(resource, 1))
                {
                    if (Proto.String(attribute, 1) == "service.name")
                    {
                        service = Proto.Messages(attribute, 2).Select(v => Proto.String(v, 1)).FirstOrDefault() ?? "";
                    }
                }
            }

            foreach (var scopeSpans in Proto.Messages(resourceSpans, 2))
            {
                var scope = Proto.Messages(scopeSpans, 1).Select(s => Proto.String(s, 1)).FirstOrDefault() ?? "";
                foreach (var span in Proto.Messages(scopeSpans, 2))
                {
                    var traceId = Convert.ToHexStringLower(Proto.Messages(span, 1).FirstOrDefault() ?? []);
                    yield return new CollectedSpan(service, scope, traceId, Proto.String(span, 5) ?? "",
                        Encoding.UTF8.GetString(span));
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _loop;
    }

    /// <summary>Just enough protobuf: length-delimited fields by number; other wire types skipped.</summary>
    private static class Proto
    {
        public static IEnumerable<byte[]> Messages(byte[] message, int field)
        {
            var position = 0;
            while (position < message.Length)
            {
                var tag = Varint(message, ref position);
                var number = (int)(tag >> 3);
                switch (tag & 7)
                {
                    case 0:
                        Varint(message, ref position);
                        break;
                    case 1:
                        position += 8;
                        break;
                    case 5:
                        position += 4;
                        break;
                    case 2:
                        var length = (int)Varint(message, ref position);
                        if (length < 0 || position + length > message.Length)
                        {
                            throw new FormatException("truncated protobuf");
                        }

                        if (number == field)
                        {
                            yield return message[position..(position + length)];
                        }

                        position += length;
                        break;
                    default:
                        throw new FormatException($"unsupported wire type {tag & 7}");
                }
            }
        }

        public static string? String(byte[] message, int field) =>
            Messages(message, field).Select(b => Encoding.UTF8.GetString(b)).FirstOrDefault();

        private static ulong Varint(byte[] buffer, ref int position)
        {
            ulong value = 0;
            for (var shift = 0; shift < 64; shift += 7)
            {
                if (position >= buffer.Length)
                {
                    throw new FormatException("truncated varint");
                }

                var b = buffer[position++];
                value |= (ulong)(b & 0x7F) << shift;
                if (b < 0x80)
                {
                    return value;
                }
            }

            throw new FormatException("varint too long");
        }
    }
}

/// <summary>One exported span; <see cref="Raw"/> is its encoded form as text, to search attribute values in.</summary>
internal sealed record CollectedSpan(string Service, string Scope, string TraceId, string Name, string Raw);

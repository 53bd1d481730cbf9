using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using BenchmarkDotNet.Attributes;
using EmrPortal.Emr.Models;
using EmrPortal.Emr.Serialization;

namespace EmrPortal.Benchmarks.Micro;

/// <summary>
/// Reading one 100-session ListSessionClusters page (the wire JSON of a full upstream page): the client's
/// source-generated <see cref="EmrJsonContext"/> against reflection-based <see cref="JsonSerializer"/> with the same
/// options and converters (metadata cached after the first call, so this is steady-state cost, not warm-up).
/// </summary>
public class DeserializeBenchmarks
{
    private byte[] _page = null!;
    private JsonSerializerOptions _reflection = null!;

    [GlobalSetup]
    public void Setup()
    {
        var response = new ListSessionClustersResponse
        {
            RequestId = "5D3B1E48-8C5A-4A1F-9D0E-3C2B1A0F9E8D",
            SessionClusters = SyntheticSessions.Clusters(100),
            NextToken = "eyJvIjoxMDAsIm0iOiJhYmMifQ",
            MaxResults = 100,
            TotalCount = 10_000,
        };
        _page = JsonSerializer.SerializeToUtf8Bytes(response, EmrJsonContext.Default.ListSessionClustersResponse);

        var generated = EmrJsonContext.Default.Options;
        _reflection = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            PropertyNamingPolicy = generated.PropertyNamingPolicy,
            PropertyNameCaseInsensitive = generated.PropertyNameCaseInsensitive,
            NumberHandling = generated.NumberHandling,
            UnmappedMemberHandling = generated.UnmappedMemberHandling,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
        };
        foreach (var converter in generated.Converters)
        {
            _reflection.Converters.Add(converter);
        }

        // Both paths must read the same page, or the comparison means nothing.
        var a = Reflection();
        var b = SourceGenerated();
        if (a.SessionClusters!.Count != 100 || b.SessionClusters!.Count != 100
            || a.SessionClusters[99].GmtCreate != b.SessionClusters[99].GmtCreate
            || a.SessionClusters[42].ConnectionToken != b.SessionClusters[42].ConnectionToken)
        {
            throw new InvalidOperationException("Reflection and source-generated deserialization disagree.");
        }
    }

    public int PageBytes => _page.Length;

    [Benchmark(Baseline = true, Description = "JsonSerializer (reflection), 100 sessions")]
    public ListSessionClustersResponse Reflection() =>
        JsonSerializer.Deserialize<ListSessionClustersResponse>(_page, _reflection)!;

    [Benchmark(Description = "EmrJsonContext (source-generated), 100 sessions")]
    public ListSessionClustersResponse SourceGenerated() =>
        JsonSerializer.Deserialize(_page, EmrJsonContext.Default.ListSessionClustersResponse)!;
}

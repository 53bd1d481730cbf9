using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using EmrPortal.Proxy.Upstream;
using Microsoft.Extensions.Caching.Hybrid;

namespace EmrPortal.Proxy;

/// <summary>Source-generated JSON for what the proxy caches (never the upstream models).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(WorkspaceList))]
[JsonSerializable(typeof(DetailLookup))]
internal sealed partial class ProxyJsonContext : JsonSerializerContext;

/// <summary>HybridCache serializer over a source-generated type (no reflection).</summary>
internal sealed class JsonHybridSerializer<T>(JsonTypeInfo<T> typeInfo) : IHybridCacheSerializer<T>
{
    public T Deserialize(ReadOnlySequence<byte> source)
    {
        var reader = new Utf8JsonReader(source);
        return JsonSerializer.Deserialize(ref reader, typeInfo)!;
    }

    public void Serialize(T value, IBufferWriter<byte> target)
    {
        using var writer = new Utf8JsonWriter(target);
        JsonSerializer.Serialize(writer, value, typeInfo);
    }
}

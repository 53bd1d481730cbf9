using System.Net;
using System.Text.Json;

namespace EmrPortal.Emulator.Tests.Infrastructure;

/// <summary>Reads an emulator answer: status, raw JSON, and the error fields when it is an error.</summary>
public sealed record AcsResponse(HttpStatusCode Status, JsonElement Json, HttpResponseMessage Message)
{
    public string? Code => Json.ValueKind == JsonValueKind.Object && Json.TryGetProperty("Code", out var c) ? c.GetString() : null;

    public string? ErrorMessage => Json.TryGetProperty("Message", out var m) ? m.GetString() : null;

    public static async Task<AcsResponse> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        using var document = JsonDocument.Parse(text);
        return new AcsResponse(response.StatusCode, document.RootElement.Clone(), response);
    }
}

public static class HttpClientExtensions
{
    public static async Task<AcsResponse> SendAcsAsync(this HttpClient client, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using (request)
        {
            var response = await client.SendAsync(request, cancellationToken);
            return await AcsResponse.ReadAsync(response, cancellationToken);
        }
    }
}

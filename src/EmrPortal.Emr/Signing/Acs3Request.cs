namespace EmrPortal.Emr.Signing;

/// <summary>What the V3 signature covers, exactly as it goes on the wire.</summary>
/// <param name="Method">HTTP method, e.g. <c>GET</c>.</param>
/// <param name="RawPath">The escaped path as sent, e.g. <c>/api/v1/workspaces/w-1/sessionClusters</c>.</param>
/// <param name="RawQuery">The escaped query as sent (leading <c>?</c> optional), or null.</param>
/// <param name="Headers">Request headers; only <c>host</c>, <c>content-type</c> and <c>x-acs-*</c> are signed.</param>
/// <param name="PayloadSha256">Lowercase hex SHA-256 of the exact body bytes (<see cref="Acs3Signer.EmptyPayloadSha256"/> without a body).</param>
public sealed record Acs3Request(
    string Method,
    string RawPath,
    string? RawQuery,
    IEnumerable<KeyValuePair<string, string>> Headers,
    string PayloadSha256);

/// <summary>The outcome of <see cref="Acs3Signer.Sign"/>.</summary>
public sealed record Acs3Signature(
    string CanonicalRequest,
    string SignedHeaders,
    string StringToSign,
    string Signature,
    string Authorization)
{
    /// <summary>Never prints the signature or canonical request (the latter may hold a security token).</summary>
    public override string ToString() => $"{Acs3Signer.Algorithm} SignedHeaders={SignedHeaders}";
}

using EmrPortal.Emr.Signing;

namespace EmrPortal.Emr.Tests.Infrastructure;

/// <summary>Re-verifies a captured request the way a server would: rebuild from what was sent, compare signatures.</summary>
public static class SignatureAssert
{
    public static void Valid(CapturedRequest request, string accessKeyId = EmrClientHost.AccessKeyId, string secret = EmrClientHost.AccessKeySecret)
    {
        var authorization = request.Header("Authorization");
        Assert.NotNull(authorization);
        var payloadHash = Acs3Signer.Sha256Hex(request.Body ?? []);
        Assert.Equal(payloadHash, request.Header("x-acs-content-sha256"));
        var expected = Acs3Signer.Sign(
            new Acs3Request(request.Method.Method, request.Uri.AbsolutePath, request.Uri.Query, request.Headers, payloadHash),
            accessKeyId,
            secret);
        Assert.Equal(expected.Authorization, authorization);
    }
}

using EmrPortal.Emulator.Data;
using EmrPortal.Emulator.Options;
using Microsoft.Extensions.Options;

namespace EmrPortal.Emulator.Gateway;

/// <summary>
/// Writes the gateway's error body <c>{RequestId, HostId, Code, Message, Recommend}</c>. Every error answer is JSON:
/// some official clients break on an empty or non-JSON error body.
/// </summary>
internal sealed class AcsErrorResult(AcsError error) : IResult, IStatusCodeHttpResult
{
    public AcsError Error { get; } = error;

    public int? StatusCode => Error.StatusCode;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        var feature = httpContext.Features.Get<AcsRequestFeature>();
        var requestId = feature?.RequestId ?? AcsRequestFeature.NewRequestId();
        if (feature is not null)
        {
            feature.ErrorCode = Error.Code;
        }

        var region = httpContext.RequestServices.GetService<IOptions<EmulatorOptions>>()?.Value.RegionId ?? "cn-hangzhou";
        var response = httpContext.Response;
        response.StatusCode = Error.StatusCode;
        response.Headers["x-acs-request-id"] = requestId;
        if (Error.RetryAfterMs is { } retryAfter)
        {
            response.Headers["x-acs-retry-after"] = retryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        var body = new AcsErrorBody(
            requestId,
            $"emr-serverless-spark.{region}.aliyuncs.com",
            Error.Code,
            Error.Message,
            $"https://api.aliyun.com/troubleshoot?q={Uri.EscapeDataString(Error.Code)}&product=emr-serverless-spark&requestId={requestId}")
        {
            AccessDeniedDetail = Error.AccessDeniedDetail,
        };
        return response.WriteAsJsonAsync(body, EmulatorJson.Context.AcsErrorBody, contentType: "application/json;charset=utf-8");
    }
}

namespace EmrPortal.Web.Components.Sessions;

/// <summary>
/// The cloud's <c>stateChangeReason</c> as something worth reading, or nothing. <c>{code:"200", message:"ok"}</c> is the
/// normal case and says nothing; a success code with a real message shows only the message; any other code shows
/// with its message.
/// </summary>
public static class StateReason
{
    private const string SuccessCode = "200";

    public static string? Text(string? code, string? message)
    {
        code = string.IsNullOrWhiteSpace(code) ? null : code.Trim();
        message = string.IsNullOrWhiteSpace(message) ? null : message.Trim();
        var success = code is null or SuccessCode;
        if (success && (message is null || IsPlainOk(message))) return null;
        if (success) return message;
        return message is null ? code : $"{code}: {message}";
    }

    private static bool IsPlainOk(string message) =>
        message.Equals("ok", StringComparison.OrdinalIgnoreCase) || message.Equals("success", StringComparison.OrdinalIgnoreCase);
}

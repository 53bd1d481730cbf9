using System.Globalization;
using CsvHelper;
using EmrPortal.Contracts;

namespace EmrPortal.Proxy.Sessions;

/// <summary>
/// Writes sessions as CSV. Formula injection escaping is on (CsvHelper's default is off): a cell starting with
/// <c>= + - @</c>, tab or CR is prefixed so spreadsheets show it as text.
/// </summary>
internal static class SessionCsv
{
    // CsvHelper 34: the option is CsvWriterOptions.Injection (older versions: CsvConfiguration.InjectionOptions).
    public static CsvWriterOptions Options() => new()
    {
        Injection = CsvInjection.Escape,
        NewLine = "\r\n",
        FormatProvider = CultureInfo.InvariantCulture,
    };

    private static readonly string[] Header =
    [
        "workspaceId", "sessionClusterId", "name", "state", "kind", "queueName", "userId", "userName", "releaseVersion",
        "displayReleaseVersion", "gmtCreate", "startTime", "autoStartEnabled", "autoStopEnabled", "autoStopIdleTimeoutMinutes",
        "stateChangeReasonCode", "stateChangeReasonMessage",
    ];

    public static async Task WriteAsync(Stream output, IEnumerable<SessionSummaryDto> rows, CancellationToken cancellationToken)
    {
        // Async all the way: the response stream refuses synchronous writes.
        await using var csv = CsvWriter.Create(output, Options(), leaveOpen: true);
        foreach (var h in Header)
        {
            csv.WriteField(h);
        }

        await csv.EndRecordAsync(cancellationToken);
        var count = 0;
        foreach (var s in rows)
        {
            csv.WriteField(s.WorkspaceId);
            csv.WriteField(s.SessionClusterId);
            csv.WriteField(s.Name);
            csv.WriteField(s.State);
            csv.WriteField(s.Kind);
            csv.WriteField(s.QueueName);
            csv.WriteField(s.UserId);
            csv.WriteField(s.UserName);
            csv.WriteField(s.ReleaseVersion);
            csv.WriteField(s.DisplayReleaseVersion);
            csv.WriteField(s.GmtCreate?.ToString("O", CultureInfo.InvariantCulture));
            csv.WriteField(s.StartTime?.ToString("O", CultureInfo.InvariantCulture));
            csv.WriteField(Bool(s.AutoStartEnabled));
            csv.WriteField(Bool(s.AutoStopEnabled));
            csv.WriteField(s.AutoStopIdleTimeoutMinutes?.ToString(CultureInfo.InvariantCulture));
            csv.WriteField(s.StateChangeReasonCode);
            csv.WriteField(s.StateChangeReasonMessage);
            await csv.EndRecordAsync(cancellationToken);

            // Push rows to the client as we go rather than buffering the whole export.
            if (++count % 500 == 0)
            {
                await csv.FlushAsync(cancellationToken);
            }
        }

        await csv.FlushAsync(cancellationToken);
    }

    private static string? Bool(bool? value) => value switch { true => "true", false => "false", null => null };
}

using EmrPortal.Contracts;
using EmrPortal.Contracts.Notifications;
using EmrPortal.Web.Components.Common;
using EmrPortal.Web.Components.Notifications;
using EmrPortal.Web.Services;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace EmrPortal.Web.Components.Pages;

/// <summary>The webhooks page's state and actions (the markup is in WorkspaceWebhooks.razor).</summary>
public partial class WorkspaceWebhooks
{
    public const int DeadLetterPageSize = 50;

    [Parameter] public string WorkspaceId { get; set; } = "";

    private IReadOnlyList<WebhookDestinationDto>? _destinations;
    private DeliveryPageDto? _deadLetters;
    private ProxyFailure? _failure;
    private bool _forbidden;
    private WebhookDraft? _draft;
    private string? _saveError;
    private bool _saving;
    private string? _loadedFor;
    private readonly Dictionary<Guid, WebhookTestResultDto> _tests = [];
    private readonly HashSet<Guid> _testing = [];
    private DateTimeOffset _now;
    private TimeZoneInfo _timeZone = TimeZoneInfo.Utc;

    private bool IsReady => _forbidden || _failure is not null || !Ids.IsValid(WorkspaceId)
        || (_destinations is not null && _deadLetters is not null && _loadedFor == WorkspaceId && !_saving && _testing.Count == 0);

    private List<BreadcrumbItem> Crumbs =>
    [
        new("Workspaces", "/"),
        new(WorkspaceId, Ids.IsValid(WorkspaceId) ? $"/workspaces/{Uri.EscapeDataString(WorkspaceId)}/sessions" : null),
        new("Webhooks", null, disabled: true),
    ];

    protected override async Task OnParametersSetAsync()
    {
        if (!Ids.IsValid(WorkspaceId) || _loadedFor == WorkspaceId) return;
        _loadedFor = WorkspaceId;
        _draft = null;
        _tests.Clear();
        await LoadAsync();
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!firstRender) return;
        var zone = await Browser.GetTimeZoneAsync();
        if (zone != _timeZone)
        {
            _timeZone = zone;
            StateHasChanged();
        }
    }

    private async Task LoadAsync()
    {
        var me = await UserState.GetMeAsync(CancellationToken.None);
        if (me.Failure?.Kind == ProxyFailureKind.SignInRequired)
        {
            Navigation.NavigateTo(LocalUrl.Login(LocalUrl.PathAndQuery(Navigation.Uri, Navigation.BaseUri)), forceLoad: true);
            return;
        }
        // Not an admin: the 403 view, without asking the proxy (it would refuse anyway).
        _forbidden = me.Value is not { IsAdmin: true };
        if (_forbidden) return;

        var destinations = Client.GetWebhooksAsync(WorkspaceId, CancellationToken.None);
        var deadLetters = Client.GetDeadLettersAsync(WorkspaceId, 1, DeadLetterPageSize, CancellationToken.None);
        var result = await destinations;
        _failure = result.Failure;
        _destinations = result.Value;
        _deadLetters = (await deadLetters).Value ?? new DeliveryPageDto([], 0, 1, DeadLetterPageSize);
        _now = Time.GetUtcNow();
    }

    private async Task SaveAsync(WebhookDraft draft)
    {
        _saving = true;
        _saveError = null;
        try
        {
            var request = draft.ToRequest();
            var result = draft.Id is { } id
                ? await Client.UpdateWebhookAsync(WorkspaceId, id, request, CancellationToken.None)
                : await Client.CreateWebhookAsync(WorkspaceId, request, CancellationToken.None);
            if (result.Failure is { } failure)
            {
                _saveError = $"The destination was not saved: {failure.Message}";
                return;
            }
            // The typed URL and secret go with the draft: nothing of them stays on this page.
            _draft = null;
            Snackbar.Add($"Saved destination \"{result.Value!.Name}\"", Severity.Success);
            _destinations = (await Client.GetWebhooksAsync(WorkspaceId, CancellationToken.None)).Value ?? _destinations;
        }
        finally
        {
            _saving = false;
        }
    }

    private async Task SendTestAsync(WebhookDestinationDto d)
    {
        _testing.Add(d.Id);
        _tests.Remove(d.Id);
        try
        {
            var result = await Client.TestWebhookAsync(WorkspaceId, d.Id, CancellationToken.None);
            _tests[d.Id] = result.Value ?? new WebhookTestResultDto(false, null, result.Failure!.Message, "");
        }
        finally
        {
            _testing.Remove(d.Id);
        }
    }

    private async Task RetryAsync(DeliveryDto delivery)
    {
        if (await Client.RetryDeadLetterAsync(delivery.Id, CancellationToken.None) is { } failure)
        {
            Snackbar.Add($"Not retried: {failure.Message}", Severity.Error);
            return;
        }
        Snackbar.Add("Queued for another delivery.", Severity.Info);
        _deadLetters = (await Client.GetDeadLettersAsync(WorkspaceId, 1, DeadLetterPageSize, CancellationToken.None)).Value ?? _deadLetters;
        _now = Time.GetUtcNow();
    }

    public static string TestText(WebhookTestResultDto test) => test.Delivered
        ? $"Test delivered{(test.StatusCode is { } s ? $": the receiver answered HTTP {s}" : "")}."
        : $"Test not delivered{(test.StatusCode is { } status ? $": the receiver answered HTTP {status}" : "")}{(test.Error is { Length: > 0 } e ? $" ({e})" : "")}.";

    private async Task DeleteAsync(WebhookDestinationDto d)
    {
        var dialog = await Dialogs.ShowAsync<ConfirmDialog>("Delete destination",
            new DialogParameters<ConfirmDialog>
            {
                { x => x.Message, $"Delete the destination \"{d.Name}\"? Rules stop sending to it." },
                { x => x.ConfirmText, "Delete" },
                { x => x.ConfirmColor, Color.Error },
            },
            new DialogOptions { MaxWidth = MaxWidth.ExtraSmall, CloseOnEscapeKey = true });
        if (await dialog.Result is not { Canceled: false }) return;
        if (await Client.DeleteWebhookAsync(WorkspaceId, d.Id, CancellationToken.None) is { } failure)
        {
            Snackbar.Add($"The destination was not deleted: {failure.Message}", Severity.Error);
            return;
        }
        _tests.Remove(d.Id);
        Snackbar.Add($"Deleted destination \"{d.Name}\"", Severity.Info);
        _destinations = (await Client.GetWebhooksAsync(WorkspaceId, CancellationToken.None)).Value ?? _destinations;
    }
}

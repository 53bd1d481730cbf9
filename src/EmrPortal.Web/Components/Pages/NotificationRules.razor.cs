using EmrPortal.Contracts;
using EmrPortal.Contracts.Notifications;
using EmrPortal.Web.Components.Common;
using EmrPortal.Web.Components.Notifications;
using EmrPortal.Web.Services;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace EmrPortal.Web.Components.Pages;

/// <summary>The rules page's state and actions (the markup is in NotificationRules.razor).</summary>
public partial class NotificationRules
{
    [Parameter] public string WorkspaceId { get; set; } = "";

    /// <summary>"Watch this view": opens the editor for a new rule on this saved view.</summary>
    [SupplyParameterFromQuery(Name = "watch")] public Guid? Watch { get; set; }

    private MeDto? _me;
    private bool _isAdmin;
    private IReadOnlyList<NotificationRuleDto>? _rules;
    private IReadOnlyList<SavedViewDto> _views = [];
    private IReadOnlyDictionary<Guid, string> _viewNames = new Dictionary<Guid, string>();
    private IReadOnlyList<WebhookDestinationDto> _destinations = [];
    private ProxyFailure? _failure;
    private RuleDraft? _draft;
    private string? _saveError;
    private bool _saving;
    private string? _loadedFor;
    private Guid? _watchHandled;

    private bool IsReady => _failure is not null || !Ids.IsValid(WorkspaceId) || (_rules is not null && _loadedFor == WorkspaceId && !_saving);

    private List<BreadcrumbItem> Crumbs =>
    [
        new("Workspaces", "/"),
        new(WorkspaceId, Ids.IsValid(WorkspaceId) ? $"/workspaces/{Uri.EscapeDataString(WorkspaceId)}/sessions" : null),
        new("Notification rules", null, disabled: true),
    ];

    protected override async Task OnParametersSetAsync()
    {
        if (!Ids.IsValid(WorkspaceId)) return;
        if (_loadedFor != WorkspaceId)
        {
            _loadedFor = WorkspaceId;
            _draft = null;
            await LoadAsync();
        }
        if (Watch is { } viewId && viewId != _watchHandled && _rules is not null)
        {
            _watchHandled = viewId;
            if (_views.FirstOrDefault(v => v.Id == viewId) is { } view) Edit(RuleDraft.ForView(view));
            else Snackbar.Add("That saved view no longer exists.", Severity.Warning);
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
        _me = me.Value;
        _isAdmin = _me?.IsAdmin == true;

        var rules = Client.GetRulesAsync(WorkspaceId, CancellationToken.None);
        var views = Proxy.GetSavedViewsAsync(WorkspaceId, CancellationToken.None);
        var destinations = _isAdmin ? Client.GetWebhooksAsync(WorkspaceId, CancellationToken.None) : null;
        var result = await rules;
        _failure = result.Failure;
        _rules = result.Value;
        _views = [.. ((await views).Value ?? []).OrderBy(v => v.Name, StringComparer.OrdinalIgnoreCase)];
        _viewNames = _views.ToDictionary(v => v.Id, v => v.Name);
        _destinations = destinations is null ? [] : (await destinations).Value ?? [];
    }

    private bool CanChange(NotificationRuleDto rule) => _isAdmin || rule.CreatedBy == _me?.UserId;

    private void Edit(RuleDraft draft)
    {
        _draft = draft;
        _saveError = null;
    }

    private async Task SaveAsync(RuleDraft draft)
    {
        _saving = true;
        _saveError = null;
        try
        {
            var request = draft.ToRequest(_isAdmin);
            var result = draft.Id is { } id
                ? await Client.UpdateRuleAsync(WorkspaceId, id, request, CancellationToken.None)
                : await Client.CreateRuleAsync(WorkspaceId, request, CancellationToken.None);
            if (result.Failure is { } failure)
            {
                _saveError = $"The rule was not saved: {failure.Message}";
                return;
            }
            Snackbar.Add(draft.IsNew ? $"Created rule \"{result.Value!.Name}\"" : $"Saved rule \"{result.Value!.Name}\"", Severity.Success);
            _draft = null;
            var reload = await Client.GetRulesAsync(WorkspaceId, CancellationToken.None);
            _rules = reload.Value ?? _rules;
        }
        finally
        {
            _saving = false;
        }
    }

    private async Task DeleteAsync(NotificationRuleDto rule)
    {
        var dialog = await Dialogs.ShowAsync<ConfirmDialog>("Delete rule",
            new DialogParameters<ConfirmDialog>
            {
                { d => d.Message, $"Delete the rule \"{rule.Name}\"? Nobody will be notified by it any more." },
                { d => d.ConfirmText, "Delete" },
                { d => d.ConfirmColor, Color.Error },
            },
            new DialogOptions { MaxWidth = MaxWidth.ExtraSmall, CloseOnEscapeKey = true });
        if (await dialog.Result is not { Canceled: false }) return;

        if (await Client.DeleteRuleAsync(WorkspaceId, rule.Id, CancellationToken.None) is { } failure)
        {
            Snackbar.Add($"The rule was not deleted: {failure.Message}", Severity.Error);
            return;
        }
        Snackbar.Add($"Deleted rule \"{rule.Name}\"", Severity.Info);
        _rules = (await Client.GetRulesAsync(WorkspaceId, CancellationToken.None)).Value ?? _rules;
    }
}

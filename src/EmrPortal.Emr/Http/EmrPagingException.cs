namespace EmrPortal.Emr;

/// <summary>The pager stopped: the API repeated a <c>nextToken</c> (an endless loop) or the page cap was reached.</summary>
public sealed class EmrPagingException : Exception
{
    /// <summary>Creates the exception.</summary>
    public EmrPagingException(string message, string? workspaceId, int pagesRead)
        : base(message)
    {
        WorkspaceId = workspaceId;
        PagesRead = pagesRead;
    }

    /// <summary>The workspace being listed.</summary>
    public string? WorkspaceId { get; }

    /// <summary>How many pages were read before stopping.</summary>
    public int PagesRead { get; }
}

namespace EmrPortal.Proxy;

/// <summary>Feature switches (<c>Features</c> section).</summary>
public sealed class FeatureOptions
{
    public const string SectionName = "Features";

    /// <summary>
    /// Start/Stop for cost control. Off by default: the routes are not even mapped and the proxy's cloud key can stay
    /// List/Get-only. On, it needs <c>emr-serverless-spark:StartSessionCluster</c> and <c>StopSessionCluster</c> too.
    /// </summary>
    public bool StartStop { get; set; }
}

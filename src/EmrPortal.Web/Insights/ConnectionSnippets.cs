using EmrPortal.Contracts;

namespace EmrPortal.Web.Insights;

public enum EndpointNetwork
{
    /// <summary>From inside the VPC (<c>domainInner</c>, port 80).</summary>
    Internal,
    /// <summary>From the internet (<c>domain</c>, port 443); only when the session's public endpoint is enabled.</summary>
    Public,
}

public sealed record ConnectionSnippet(string Key, string Label, string Text);

/// <summary>
/// Copy-paste lines for connecting to a THRIFT/SQL session: the JDBC URL, a beeline command and a PySpark read.
/// The host comes from upstream data, so it must be a plain DNS name (else no snippet at all), and the token is
/// always the <c>&lt;token&gt;</c> placeholder: the portal never shows tokens.
/// </summary>
public static class ConnectionSnippets
{
    public const string TokenPlaceholder = "<token>";
    public const int PublicPort = 443;
    public const int InternalPort = 80;

    public static bool AppliesTo(string? kind) => kind is SessionKinds.Thrift or SessionKinds.Sql;

    /// <summary>The networks this session can be reached from: internal when it has a valid inner host, public only
    /// when the public endpoint is enabled and has a valid host.</summary>
    public static IReadOnlyList<EndpointNetwork> AvailableNetworks(SessionDetailDto detail)
    {
        var networks = new List<EndpointNetwork>(2);
        if (SessionLinks.IsHostName(detail.DomainInner)) networks.Add(EndpointNetwork.Internal);
        if (detail.PublicEndpointEnabled == true && SessionLinks.IsHostName(detail.Domain)) networks.Add(EndpointNetwork.Public);
        return networks;
    }

    /// <summary>The snippets for <paramref name="network"/>, or none when that network is not available for this session.</summary>
    public static IReadOnlyList<ConnectionSnippet> Build(SessionDetailDto detail, EndpointNetwork network)
    {
        if (!AppliesTo(detail.Summary.Kind) || !AvailableNetworks(detail).Contains(network)) return [];
        var (host, port) = network == EndpointNetwork.Public ? (detail.Domain!, PublicPort) : (detail.DomainInner!, InternalPort);
        var jdbc = JdbcUrl(host, port);
        return
        [
            new("jdbc", "JDBC URL", jdbc),
            new("beeline", "beeline", $"beeline -u \"{jdbc}\""),
            new("pyspark", "PySpark",
                $"spark.read.format(\"jdbc\").option(\"driver\", \"org.apache.hive.jdbc.HiveDriver\").option(\"url\", \"{jdbc}\").option(\"query\", \"SELECT 1\").load().show()"),
        ];
    }

    public static string JdbcUrl(string host, int port) =>
        SessionLinks.IsHostName(host)
            ? $"jdbc:hive2://{host}:{port}/;transportMode=http;httpPath=cliservice/token/{TokenPlaceholder}"
            : throw new ArgumentException("Not a host name.", nameof(host));
}

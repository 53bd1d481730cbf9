namespace EmrPortal.AppHost;

/// <summary>
/// The local PostgreSQL server as an executable resource that is also a connection string, so the proxy takes it with
/// <c>WithReference(…, "portaldb")</c> like any Aspire database: the <c>portaldb</c> database as the <c>portal</c> role.
/// </summary>
internal sealed class PortalPostgresResource(string name, string command, string workingDirectory, ParameterResource password)
    : ExecutableResource(name, command, workingDirectory), IResourceWithConnectionString
{
    public const string EndpointName = "tcp";

    private EndpointReference? _endpoint;

    public EndpointReference Endpoint => _endpoint ??= new EndpointReference(this, EndpointName);

    /// <summary>The password this run sets on the role: a secret parameter, masked in the dashboard.</summary>
    public ParameterResource Password { get; } = password;

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"Host=127.0.0.1;Port={Endpoint.Property(EndpointProperty.Port)};Database={PostgresCluster.Database};Username={PostgresCluster.Role};Password={Password}");
}

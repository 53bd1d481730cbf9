namespace EmrPortal.Proxy.Audit;

/// <summary>Endpoint metadata: the audit action a route records, so a refusal before its handler runs is audited too.</summary>
internal sealed record AuditedAction(string Action);

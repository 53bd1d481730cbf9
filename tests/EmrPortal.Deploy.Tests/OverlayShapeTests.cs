using EmrPortal.Deploy.Tests.Infrastructure;
using k8s.Models;

namespace EmrPortal.Deploy.Tests;

/// <summary>What each overlay is for: demo runs everything in the cluster; production scales and survives disruptions.</summary>
public sealed class OverlayShapeTests
{
    private static RenderedManifests Demo => Kustomize.Render(RepositoryPaths.Overlay("demo"));

    private static RenderedManifests Production => Kustomize.Render(RepositoryPaths.Overlay("production"));

    private static string? SettingOf(RenderedManifests manifests, string deployment, string key)
    {
        var d = manifests.Deployment(deployment);
        return manifests.Settings(d, d.Spec.Template.Spec.Containers[0]).LastOrDefault(s => s.Key == key)?.Value;
    }

    [Fact]
    public void Demo_runs_the_emulator_and_redis_with_demo_sign_in()
    {
        var demo = Demo;

        Assert.NotNull(demo.Deployment("emrportal-emulator"));
        Assert.NotNull(demo.Deployment("emrportal-redis"));
        Assert.Equal("Demo", SettingOf(demo, "emrportal-web", "Authentication:Mode"));
        Assert.Equal("Demo", SettingOf(demo, "emrportal-proxy", "Authentication:Mode"));
        Assert.Equal("http://emrportal-emulator", SettingOf(demo, "emrportal-proxy", "Emr:Endpoint"));
        Assert.Equal("emrportal-redis:6379", SettingOf(demo, "emrportal-proxy", "ConnectionStrings:redis"));
        Assert.Equal("emrportal-redis:6379", SettingOf(demo, "emrportal-web", "ConnectionStrings:redis"));
        // The proxy signs with the emulator's documented demo key (a Secret, even so).
        Assert.Equal("LTAI5tEmrPortalDemoKey", SettingOf(demo, "emrportal-proxy", "Emr:AccessKeyId"));
    }

    [Fact]
    public void Production_uses_entra_external_stores_and_several_replicas()
    {
        var production = Production;

        Assert.DoesNotContain(production.Deployments, d => d.Metadata.Name is "emrportal-emulator" or "emrportal-redis");
        Assert.Equal("Entra", SettingOf(production, "emrportal-web", "Authentication:Mode"));
        Assert.Equal("Entra", SettingOf(production, "emrportal-proxy", "Authentication:Mode"));
        Assert.Equal("Postgres", SettingOf(production, "emrportal-proxy", "Portal:Database"));
        Assert.Null(SettingOf(production, "emrportal-proxy", "Emr:Endpoint"));
        Assert.DoesNotContain(production.Containers, c => (c.Container.Env ?? []).Any(e => e.Name.StartsWith("Authentication__Demo", StringComparison.Ordinal)));

        var env = (string deployment) => production.Deployment(deployment).Spec.Template.Spec.Containers[0].Env.ToDictionary(e => e.Name);
        Assert.Equal("emrportal-redis", env("emrportal-web")["ConnectionStrings__redis"].ValueFrom.SecretKeyRef.Name);
        Assert.Equal("emrportal-postgres", env("emrportal-proxy")["ConnectionStrings__portaldb"].ValueFrom.SecretKeyRef.Name);
        Assert.Equal("emrportal-entra", env("emrportal-web")["AzureAd__ClientSecret"].ValueFrom.SecretKeyRef.Name);
        Assert.Contains("DataProtection__CertificatePath", env("emrportal-web").Keys);

        Assert.True(production.Deployment("emrportal-web").Spec.Replicas >= 2);
        Assert.True(production.Deployment("emrportal-proxy").Spec.Replicas >= 2);
        // No SQLite folder: several proxies share PostgreSQL.
        Assert.DoesNotContain(production.Deployment("emrportal-proxy").Spec.Template.Spec.Containers[0].VolumeMounts, m => m.MountPath == "/app/data");
    }

    [Fact]
    public void Production_autoscales_and_budgets_disruptions_for_both_apps()
    {
        var production = Production;
        foreach (var name in new[] { "emrportal-web", "emrportal-proxy" })
        {
            var deployment = production.Deployment(name);
            var hpa = Assert.Single(production.OfKind<V2HorizontalPodAutoscaler>(), h => h.Spec.ScaleTargetRef.Name == name);
            Assert.Equal("Deployment", hpa.Spec.ScaleTargetRef.Kind);
            Assert.True(hpa.Spec.MinReplicas >= 2 && hpa.Spec.MinReplicas <= deployment.Spec.Replicas);
            Assert.True(hpa.Spec.MaxReplicas > hpa.Spec.MinReplicas);

            var pdb = Assert.Single(production.OfKind<V1PodDisruptionBudget>(),
                p => p.Spec.Selector.MatchLabels.All(l => deployment.Spec.Template.Metadata.Labels.TryGetValue(l.Key, out var v) && v == l.Value));
            var minAvailable = int.Parse(pdb.Spec.MinAvailable.Value, System.Globalization.CultureInfo.InvariantCulture);
            Assert.InRange(minAvailable, 1, (hpa.Spec.MinReplicas ?? 1) - 1); // a drain can always evict one pod
        }
    }

    [Fact]
    public void Production_keeps_all_proxy_replicas_together_within_the_cloud_quota()
    {
        var production = Production;
        var maxReplicas = production.OfKind<V2HorizontalPodAutoscaler>().Single(h => h.Spec.ScaleTargetRef.Name == "emrportal-proxy").Spec.MaxReplicas;
        var configured = double.Parse(SettingOf(production, "emrportal-proxy", "UpstreamQuota:PermitsPerSecond")!, System.Globalization.CultureInfo.InvariantCulture);
        var shared = production.Deployment("emrportal-proxy").Spec.Template.Spec.Containers[0].Env.Any(e => e.Name == "ConnectionStrings__redis");

        // The account's budget (the single-instance default, 80 % of the cloud's flow control): with Redis the bucket
        // is shared by every replica; without it each replica would need its share of the budget.
        var budget = new EmrPortal.Proxy.UpstreamQuotaOptions().PermitsPerSecond;
        var total = shared ? configured : configured * maxReplicas;
        Assert.True(total <= budget, $"the proxies together may send {total}/s, over the account's {budget}/s");
    }

    [Fact]
    public void Production_names_the_allowed_hosts_and_every_probe_sends_one_of_them()
    {
        var production = Production;
        var hosts = new Dictionary<string, string[]>();
        foreach (var app in new[] { "emrportal-web", "emrportal-proxy" })
        {
            var allowed = SettingOf(production, app, "AllowedHosts");
            Assert.False(string.IsNullOrWhiteSpace(allowed), $"{app} has no AllowedHosts");
            hosts[app] = allowed!.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            Assert.DoesNotContain("*", hosts[app]);

            // The kubelet's probes would otherwise send the pod's IP as Host and be refused (400) by the host filter.
            var container = production.Deployment(app).Spec.Template.Spec.Containers[0];
            foreach (var probe in new[] { container.StartupProbe, container.LivenessProbe, container.ReadinessProbe })
            {
                var host = Assert.Single(probe.HttpGet.HttpHeaders ?? [], h => h.Name.Equals("Host", StringComparison.OrdinalIgnoreCase)).Value;
                Assert.Contains(host, hosts[app]);
            }
        }

        // Browsers come through the ingress; the web app calls the proxy by the host in Proxy:BaseUrl.
        Assert.All(production.Ingresses.SelectMany(i => i.Spec.Rules).Select(r => r.Host), h => Assert.Contains(h, hosts["emrportal-web"]));
        var proxyHost = new Uri(SettingOf(production, "emrportal-web", "Proxy:BaseUrl")!).Host;
        Assert.Contains(proxyHost, hosts["emrportal-proxy"]);
    }
}

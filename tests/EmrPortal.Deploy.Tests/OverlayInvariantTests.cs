using EmrPortal.Deploy.Tests.Infrastructure;
using k8s;
using k8s.Models;

namespace EmrPortal.Deploy.Tests;

/// <summary>
/// Every overlay, rendered as <c>kubectl apply -k</c> would, keeps the deployment rules: settings without secrets,
/// probes, non-root read-only containers, affinity on the web app only, pinned images, and only settings the apps read.
/// </summary>
public sealed class OverlayInvariantTests
{
    public static TheoryData<string> Overlays => new(Directory.GetDirectories(Path.Combine(RepositoryPaths.Kubernetes, "overlays")).Select(Path.GetFileName).Order()!);

    private static RenderedManifests Render(string overlay) => Kustomize.Render(RepositoryPaths.Overlay(overlay));

    [Fact]
    public void Both_overlays_exist()
    {
        Assert.Equal(["demo", "production"], Overlays.Select(o => o.Data));
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Overlay_renders_into_typed_objects_with_web_and_proxy(string overlay)
    {
        var manifests = Render(overlay);

        Assert.All(manifests.Objects, o => Assert.IsAssignableFrom<IKubernetesObject>(o));
        Assert.NotNull(manifests.Deployment("emrportal-web"));
        Assert.NotNull(manifests.Deployment("emrportal-proxy"));
        Assert.NotNull(manifests.Service("emrportal-web"));
        Assert.NotNull(manifests.Service("emrportal-proxy"));
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void No_config_map_holds_a_secret_looking_value(string overlay)
    {
        var findings = Render(overlay).ConfigMaps
            .SelectMany(cm => (cm.Data ?? new Dictionary<string, string>()).Select(kv => (cm, kv)))
            .Select(x => SecretHeuristics.Reason(x.kv.Key, x.kv.Value) is { } reason ? $"{x.cm.Metadata.Name}: {x.kv.Key} ({reason})" : null)
            .OfType<string>()
            .ToList();

        Assert.Empty(findings);
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Secret_settings_come_from_secret_references(string overlay)
    {
        var manifests = Render(overlay);
        foreach (var (_, container) in manifests.Containers)
        {
            foreach (var env in container.Env ?? [])
            {
                if (env.Value is { } value)
                {
                    Assert.True(SecretHeuristics.Reason(env.Name, value) is null, $"{container.Name}: {env.Name} has a literal secret-looking value");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Every_container_has_startup_liveness_and_readiness_probes(string overlay)
    {
        foreach (var (deployment, container) in Render(overlay).Containers)
        {
            var where = $"{deployment.Metadata.Name}/{container.Name}";
            Assert.True(container.StartupProbe is not null, $"{where} has no startup probe");
            Assert.True(container.LivenessProbe is not null, $"{where} has no liveness probe");
            Assert.True(container.ReadinessProbe is not null, $"{where} has no readiness probe");

            if (AppSettingsSchema.ForContainer(container.Name) is not null)
            {
                // Our apps: the health endpoints of the service defaults, on the container's own port.
                Assert.Equal("/health/live", container.StartupProbe.HttpGet?.Path);
                Assert.Equal("/health/live", container.LivenessProbe.HttpGet?.Path);
                Assert.Equal("/health/ready", container.ReadinessProbe.HttpGet?.Path);
                var ports = container.Ports.Select(p => p.Name).ToHashSet();
                foreach (var probe in new[] { container.StartupProbe, container.LivenessProbe, container.ReadinessProbe })
                {
                    Assert.Contains(probe.HttpGet.Port.Value, ports);
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Every_pod_runs_as_non_root_with_a_read_only_root_and_no_capabilities(string overlay)
    {
        foreach (var (deployment, container) in Render(overlay).Containers)
        {
            var where = $"{deployment.Metadata.Name}/{container.Name}";
            var pod = deployment.Spec.Template.Spec;
            Assert.True(pod.SecurityContext?.RunAsNonRoot == true || container.SecurityContext?.RunAsNonRoot == true, $"{where} may run as root");
            Assert.NotEqual(0, container.SecurityContext?.RunAsUser ?? pod.SecurityContext?.RunAsUser);
            Assert.True(container.SecurityContext?.ReadOnlyRootFilesystem == true, $"{where} has a writable root filesystem");
            Assert.True(container.SecurityContext?.AllowPrivilegeEscalation == false, $"{where} allows privilege escalation");
            Assert.Equal(["ALL"], container.SecurityContext?.Capabilities?.Drop ?? []);
            Assert.Null(container.SecurityContext?.Capabilities?.Add);
            Assert.Equal("RuntimeDefault", pod.SecurityContext?.SeccompProfile?.Type);
            Assert.False(pod.AutomountServiceAccountToken ?? true, $"{where} mounts a service-account token it does not need");

            // What must be written goes to an emptyDir (or a Secret mounted read-only).
            foreach (var mount in container.VolumeMounts ?? [])
            {
                var volume = Assert.Single(pod.Volumes, v => v.Name == mount.Name);
                Assert.True(volume.EmptyDir is not null || mount.ReadOnlyProperty == true, $"{where} mounts {mount.Name} writable without an emptyDir");
            }

            if (AppSettingsSchema.ForContainer(container.Name) is not null)
            {
                Assert.Contains(container.VolumeMounts ?? [], m => m.MountPath == "/tmp");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Every_container_has_resource_requests_and_limits(string overlay)
    {
        foreach (var (deployment, container) in Render(overlay).Containers)
        {
            var where = $"{deployment.Metadata.Name}/{container.Name}";
            var requests = container.Resources?.Requests ?? new Dictionary<string, ResourceQuantity>();
            var limits = container.Resources?.Limits ?? new Dictionary<string, ResourceQuantity>();
            foreach (var resource in new[] { "cpu", "memory" })
            {
                Assert.True(requests.ContainsKey(resource), $"{where} requests no {resource}");
                Assert.True(limits.ContainsKey(resource), $"{where} has no {resource} limit");
                Assert.True(requests[resource].ToDecimal() <= limits[resource].ToDecimal(), $"{where} requests more {resource} than its limit");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Web_alone_has_session_affinity_through_the_ingress_with_websocket_timeouts(string overlay)
    {
        var manifests = Render(overlay);

        Assert.Equal("ClientIP", manifests.Service("emrportal-web").Spec.SessionAffinity);
        Assert.True(manifests.Service("emrportal-proxy").Spec.SessionAffinity is null or "None", "the proxy must not be sticky");

        var ingress = Assert.Single(manifests.Ingresses);
        var backends = ingress.Spec.Rules.SelectMany(r => r.Http.Paths).Select(p => p.Backend.Service.Name).ToList();
        Assert.All(backends, b => Assert.Equal("emrportal-web", b));
        var annotations = ingress.Metadata.Annotations;
        Assert.Equal("cookie", annotations["nginx.ingress.kubernetes.io/affinity"]);
        Assert.True(int.Parse(annotations["nginx.ingress.kubernetes.io/proxy-read-timeout"], System.Globalization.CultureInfo.InvariantCulture) >= 3600,
            "a circuit's WebSocket must outlive the ingress's read timeout");
        Assert.True(int.Parse(annotations["nginx.ingress.kubernetes.io/proxy-send-timeout"], System.Globalization.CultureInfo.InvariantCulture) >= 3600);
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Every_image_is_pinned(string overlay)
    {
        foreach (var (deployment, container) in Render(overlay).Containers)
        {
            var image = container.Image;
            var digest = image.Contains("@sha256:", StringComparison.Ordinal);
            var lastSegment = image[(image.LastIndexOf('/') + 1)..];
            var tag = lastSegment.Contains(':', StringComparison.Ordinal) ? lastSegment[(lastSegment.IndexOf(':', StringComparison.Ordinal) + 1)..] : null;
            Assert.True(digest || (tag is not null && tag != "latest"), $"{deployment.Metadata.Name}/{container.Name} image {image} is not pinned to a tag or digest");
            Assert.Contains('/', image.Split('@')[0].Split(':')[0] + (container.Name == "redis" ? "/" : ""));
            Assert.NotEqual("Always", container.ImagePullPolicy);
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Every_setting_binds_to_what_the_app_reads(string overlay)
    {
        var manifests = Render(overlay);
        var problems = new List<string>();
        var checkedApps = new HashSet<string>();
        foreach (var (deployment, container) in manifests.Containers)
        {
            if (AppSettingsSchema.ForContainer(container.Name) is not { } schema)
            {
                continue;
            }

            checkedApps.Add(schema.App);
            var settings = manifests.Settings(deployment, container);
            Assert.NotEmpty(settings);
            problems.AddRange(settings.Select(schema.Check).OfType<string>().Select(p => $"{container.Name}: {p}"));
        }

        Assert.Empty(problems);
        Assert.Superset(new HashSet<string> { "web", "proxy" }, checkedApps);
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Every_referenced_secret_is_rendered_or_documented(string overlay)
    {
        var manifests = Render(overlay);
        var operations = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "docs", "operations.md"));
        var referenced = manifests.Deployments.SelectMany(d =>
                (d.Spec.Template.Spec.Volumes ?? []).Select(v => v.Secret?.SecretName)
                .Concat(d.Spec.Template.Spec.Containers.SelectMany(c => (c.Env ?? []).Select(e => e.ValueFrom?.SecretKeyRef?.Name)))
                .Concat(d.Spec.Template.Spec.Containers.SelectMany(c => (c.EnvFrom ?? []).Select(e => e.SecretRef?.Name))))
            .OfType<string>()
            .Concat(manifests.Ingresses.SelectMany(i => (i.Spec.Tls ?? []).Select(t => t.SecretName)))
            .Distinct()
            .ToList();

        Assert.NotEmpty(referenced);
        foreach (var name in referenced)
        {
            Assert.True(manifests.Secret(name) is not null || operations.Contains($"`{name}`", StringComparison.Ordinal),
                $"Secret {name} is neither rendered by the {overlay} overlay nor documented in docs/operations.md");
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Rolling_updates_never_take_a_replica_away_before_its_successor_is_ready(string overlay)
    {
        foreach (var name in new[] { "emrportal-web", "emrportal-proxy" })
        {
            var strategy = Render(overlay).Deployment(name).Spec.Strategy;
            Assert.Equal("RollingUpdate", strategy.Type);
            Assert.Equal("0", strategy.RollingUpdate.MaxUnavailable.Value);
        }
    }
}

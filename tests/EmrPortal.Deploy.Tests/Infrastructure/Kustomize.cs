using System.Collections.Concurrent;
using System.Diagnostics;
using k8s;
using k8s.Models;

namespace EmrPortal.Deploy.Tests.Infrastructure;

/// <summary>Renders a kustomization with <c>kubectl kustomize</c> (as <c>kubectl apply -k</c> would) and loads the typed objects.</summary>
internal static class Kustomize
{
    private static readonly ConcurrentDictionary<string, Lazy<RenderedManifests>> Cache = new(StringComparer.Ordinal);

    public static RenderedManifests Render(string directory) =>
        Cache.GetOrAdd(directory, d => new Lazy<RenderedManifests>(() => Load(RenderYaml(d)))).Value;

    public static RenderedManifests Load(string yaml) => new(KubernetesYaml.LoadAllFromString(yaml));

    public static string RenderYaml(string directory)
    {
        var kubectl = Environment.GetEnvironmentVariable("KUBECTL") is { Length: > 0 } k ? k : "kubectl";
        var start = new ProcessStartInfo(kubectl)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("kustomize");
        start.ArgumentList.Add(directory);

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("kubectl did not start.");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("kubectl is needed to render the overlays (Debian: apt-get install kubectl, or set KUBECTL).", e);
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"kubectl kustomize {directory} took longer than 2 minutes.");
            }

            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"kubectl kustomize {directory} failed ({process.ExitCode}): {stderr.Result}");
            }

            return stdout.Result;
        }
    }
}

/// <summary>The objects of one rendered overlay, with the lookups the invariant tests need.</summary>
internal sealed class RenderedManifests(IReadOnlyList<object> objects)
{
    public IReadOnlyList<object> Objects { get; } = objects;

    public IEnumerable<T> OfKind<T>() => Objects.OfType<T>();

    public IEnumerable<V1ConfigMap> ConfigMaps => OfKind<V1ConfigMap>();

    public IEnumerable<V1Secret> Secrets => OfKind<V1Secret>();

    public IEnumerable<V1Deployment> Deployments => OfKind<V1Deployment>();

    public IEnumerable<V1Service> Services => OfKind<V1Service>();

    public IEnumerable<V1Ingress> Ingresses => OfKind<V1Ingress>();

    public V1Deployment Deployment(string name) => Assert.Single(Deployments, d => d.Metadata.Name == name);

    public V1Service Service(string name) => Assert.Single(Services, s => s.Metadata.Name == name);

    public V1ConfigMap? ConfigMap(string name) => ConfigMaps.SingleOrDefault(c => c.Metadata.Name == name);

    public V1Secret? Secret(string name) => Secrets.SingleOrDefault(s => s.Metadata.Name == name);

    /// <summary>Every container (init containers too) with the Deployment it belongs to.</summary>
    public IEnumerable<(V1Deployment Deployment, V1Container Container)> Containers =>
        Deployments.SelectMany(d => (d.Spec.Template.Spec.InitContainers ?? []).Concat(d.Spec.Template.Spec.Containers).Select(c => (d, c)));

    /// <summary>
    /// The settings a container is given, as configuration keys (<c>__</c> → <c>:</c>): env vars, the keys of the
    /// ConfigMaps/Secrets it takes with envFrom, and the file names of rendered Secrets mounted into a key-per-file
    /// directory. Value is null when it comes from a reference the overlay does not render.
    /// </summary>
    public IReadOnlyList<Setting> Settings(V1Deployment deployment, V1Container container)
    {
        var settings = new List<Setting>();
        foreach (var source in container.EnvFrom ?? [])
        {
            if (source.ConfigMapRef is { } cm)
            {
                var map = ConfigMap(cm.Name) ?? throw new InvalidOperationException($"{container.Name} takes ConfigMap {cm.Name}, which the overlay does not render.");
                settings.AddRange((map.Data ?? new Dictionary<string, string>()).Select(kv => new Setting(kv.Key, kv.Value, $"ConfigMap {cm.Name}")));
            }
            else if (source.SecretRef is { } sr)
            {
                var secret = Secret(sr.Name);
                settings.AddRange(SecretKeys(secret).Select(kv => new Setting(kv.Key, kv.Value, $"Secret {sr.Name}")));
            }
        }

        foreach (var env in container.Env ?? [])
        {
            var value = env.Value;
            if (env.ValueFrom?.SecretKeyRef is { } sk)
            {
                value = SecretKeys(Secret(sk.Name)).TryGetValue(sk.Key, out var v) ? v : null;
            }
            else if (env.ValueFrom?.ConfigMapKeyRef is { } ck)
            {
                value = ConfigMap(ck.Name)?.Data?.TryGetValue(ck.Key, out var v) == true ? v : null;
            }

            settings.Add(new Setting(env.Name, value, "env"));
        }

        // Key-per-file: Emr__CredentialsDirectory names a folder whose files are settings (one per key).
        var directory = settings.LastOrDefault(s => s.Key == "Emr:CredentialsDirectory")?.Value;
        if (directory is not null)
        {
            foreach (var mount in (container.VolumeMounts ?? []).Where(m => m.MountPath.TrimEnd('/') == directory.TrimEnd('/')))
            {
                var volume = deployment.Spec.Template.Spec.Volumes.Single(v => v.Name == mount.Name);
                if (volume.Secret is { } secretVolume && Secret(secretVolume.SecretName) is { } secret)
                {
                    settings.AddRange(SecretKeys(secret).Select(kv => new Setting(kv.Key, kv.Value, $"Secret {secretVolume.SecretName} (files)")));
                }
            }
        }

        return settings;
    }

    private static Dictionary<string, string> SecretKeys(V1Secret? secret)
    {
        var keys = new Dictionary<string, string>(StringComparer.Ordinal);
        if (secret is null)
        {
            return keys;
        }

        foreach (var (key, bytes) in secret.Data ?? new Dictionary<string, byte[]>())
        {
            keys[key] = System.Text.Encoding.UTF8.GetString(bytes);
        }

        foreach (var (key, text) in secret.StringData ?? new Dictionary<string, string>())
        {
            keys[key] = text;
        }

        return keys;
    }
}

/// <summary>One setting as the app reads it: the env var name with <c>__</c> turned into <c>:</c>.</summary>
internal sealed record Setting
{
    public Setting(string name, string? value, string source)
    {
        Name = name;
        Key = name.Replace("__", ":", StringComparison.Ordinal);
        Value = value;
        Source = source;
    }

    public string Name { get; }

    public string Key { get; }

    public string? Value { get; }

    public string Source { get; }
}

using System.Collections;
using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Reflection;
using EmrPortal.Emr;
using EmrPortal.Emulator.Options;
using EmrPortal.PortalData;
using EmrPortal.Proxy;
using EmrPortal.Web.Extensions;
using EmrPortal.Web.Options;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Configuration;
using Microsoft.Identity.Web;
using ProxyAuthentication = EmrPortal.Proxy.Extensions.AuthenticationExtensions;

namespace EmrPortal.Deploy.Tests.Infrastructure;

/// <summary>
/// The settings each app reads, taken from its real options classes (and the few keys it reads directly, named after
/// the app's own constants). <see cref="Check"/> binds a setting into those classes the way the app does
/// (<c>__</c> → <c>:</c>, configuration binder, data annotations), so a renamed property or a wrong value fails.
/// </summary>
internal sealed class AppSettingsSchema
{
    /// <summary>Read by the host and the SDKs, not by an options class of ours.</summary>
    private static readonly string[] PlatformEnvPrefixes = ["ASPNETCORE_", "DOTNET_", "OTEL_"];

    private readonly (string Prefix, Type[] Types)[] _sections;
    private readonly Dictionary<string, string[]?> _directKeys;
    private readonly string[] _directListKeys;

    private AppSettingsSchema(string app, (string Prefix, Type[] Types)[] sections, Dictionary<string, string[]?> directKeys, string[] directListKeys)
    {
        App = app;
        _sections = sections.OrderByDescending(s => s.Prefix.Length).ToArray();
        _directKeys = new Dictionary<string, string[]?>(directKeys, StringComparer.OrdinalIgnoreCase);
        _directListKeys = directListKeys;
    }

    public string App { get; }

    public static AppSettingsSchema Proxy { get; } = new(
        "proxy",
        [
            (EmrClientOptions.SectionName, [typeof(EmrClientOptions)]),
            (AccessOptions.SectionName, [typeof(AccessOptions)]),
            (RedactionOptions.SectionName, [typeof(RedactionOptions)]),
            (SnapshotOptions.SectionName, [typeof(SnapshotOptions)]),
            (UpstreamQuotaOptions.SectionName, [typeof(UpstreamQuotaOptions)]),
            (UserRateLimitOptions.SectionName, [typeof(UserRateLimitOptions)]),
            (ViewsOptions.SectionName, [typeof(ViewsOptions)]),
            (CloudIdentityOptions.SectionName, [typeof(CloudIdentityOptions)]),
            (FeatureOptions.SectionName, [typeof(FeatureOptions)]),
            (PortalDataOptions.SectionName, [typeof(PortalDataOptions)]),
            // Microsoft Identity Web binds the AzureAd section into both.
            ("AzureAd", [typeof(MicrosoftIdentityOptions), typeof(JwtBearerOptions)]),
        ],
        new()
        {
            ["Emr:CredentialsDirectory"] = null,
            [ProxyAuthentication.ModeKey] = [ProxyAuthentication.EntraMode, ProxyAuthentication.DemoMode],
            ["Authentication:RequiredScope"] = null,
            ["Authentication:Demo:PublicKeyPem"] = null,
            ["ConnectionStrings:redis"] = null,
            [$"ConnectionStrings:{PortalDataOptions.ConnectionStringName}"] = null,
            ["AllowedHosts"] = null,
        },
        ["Authentication:AppPermissions"]);

    public static AppSettingsSchema Web { get; } = new(
        "web",
        [
            (ProxyOptions.Section, [typeof(ProxyOptions)]),
            (PortalAuthenticationOptions.Section, [typeof(PortalAuthenticationOptions)]),
            (DataProtectionCertificateOptions.Section, [typeof(DataProtectionCertificateOptions)]),
            ("AzureAd", [typeof(MicrosoftIdentityOptions)]),
        ],
        new()
        {
            ["ConnectionStrings:redis"] = null,
            ["AllowedHosts"] = null,
        },
        []);

    public static AppSettingsSchema Emulator { get; } = new(
        "emulator",
        [
            (EmulatorOptions.SectionName, [typeof(EmulatorOptions)]),
            (SeedOptions.SectionName, [typeof(SeedOptions)]),
            (FaultOptions.SectionName, [typeof(FaultOptions)]),
        ],
        [],
        []);

    public static AppSettingsSchema? ForContainer(string containerName) => containerName switch
    {
        "proxy" => Proxy,
        "web" => Web,
        "emulator" => Emulator,
        _ => null,
    };

    /// <summary>Null when the app reads this setting and accepts its value (when known); otherwise why not.</summary>
    public string? Check(Setting setting)
    {
        if (PlatformEnvPrefixes.Any(p => setting.Name.StartsWith(p, StringComparison.Ordinal)))
        {
            return setting.Name.Contains("__", StringComparison.Ordinal) ? $"{setting.Name} looks like a platform variable but has a section separator" : null;
        }

        if (setting.Key.StartsWith("Logging:", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        if (_directKeys.TryGetValue(setting.Key, out var allowed))
        {
            return allowed is null || setting.Value is null || allowed.Contains(setting.Value, StringComparer.OrdinalIgnoreCase)
                ? null
                : $"{setting.Key}={setting.Value} is not one of {string.Join(", ", allowed)}";
        }

        foreach (var list in _directListKeys)
        {
            if (setting.Key.StartsWith(list + ":", StringComparison.OrdinalIgnoreCase)
                && int.TryParse(setting.Key.AsSpan(list.Length + 1), out _))
            {
                return null;
            }
        }

        var section = _sections.FirstOrDefault(s => setting.Key.StartsWith(s.Prefix + ":", StringComparison.OrdinalIgnoreCase));
        if (section.Types is null)
        {
            return $"{setting.Key} belongs to no settings section the {App} reads";
        }

        var relative = setting.Key[(section.Prefix.Length + 1)..];
        var problems = new List<string>();
        foreach (var type in section.Types)
        {
            var problem = CheckPath(type, relative.Split(':')) ?? BindAndValidate(type, section.Prefix, setting);
            if (problem is null)
            {
                return null;
            }

            problems.Add($"{type.Name}: {problem}");
        }

        return $"{setting.Key} ({setting.Source}): {string.Join("; ", problems)}";
    }

    /// <summary>Walks the property path through the options type as the configuration binder would.</summary>
    private static string? CheckPath(Type type, string[] segments)
    {
        var current = type;
        for (var i = 0; i < segments.Length; i++)
        {
            var segment = segments[i];
            if (DictionaryValueType(current) is { } valueType)
            {
                current = valueType;
                continue;
            }

            if (ElementType(current) is { } elementType)
            {
                if (!int.TryParse(segment, out _))
                {
                    return $"'{segment}' is not an index into {current.Name}";
                }

                current = elementType;
                continue;
            }

            var property = current.GetProperty(segment, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
            if (property is null || property.GetIndexParameters().Length > 0)
            {
                return $"{current.Name} has no property '{segment}'";
            }

            if (!property.CanWrite && IsScalar(property.PropertyType))
            {
                return $"{current.Name}.{property.Name} cannot be set";
            }

            current = property.PropertyType;
        }

        return IsScalar(current) || current == typeof(string[]) || DictionaryValueType(current) is not null
            ? null
            : $"{current.Name} is an object, not a value";
    }

    /// <summary>Binds the one setting into a fresh instance (unknown keys are errors) and runs the property's validation.</summary>
    private static string? BindAndValidate(Type type, string prefix, Setting setting)
    {
        if (setting.Value is null)
        {
            return null; // from a Secret the overlay does not render: the name was checked, the value cannot be.
        }

        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection([new KeyValuePair<string, string?>(setting.Key, setting.Value)])
            .Build();
        var instance = Activator.CreateInstance(type)!;
        try
        {
            configuration.GetSection(prefix).Bind(instance, o => o.ErrorOnUnknownConfiguration = true);
        }
        catch (InvalidOperationException e)
        {
            return e.Message;
        }

        var topProperty = setting.Key[(prefix.Length + 1)..].Split(':')[0];
        var property = type.GetProperty(topProperty, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase)!;
        var results = new List<ValidationResult>();
        var context = new ValidationContext(instance) { MemberName = property.Name };
        return Validator.TryValidateProperty(property.GetValue(instance), context, results)
            ? null
            : string.Join("; ", results.Select(r => r.ErrorMessage));
    }

    private static bool IsScalar(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        return t == typeof(string) || t.IsPrimitive || t.IsEnum || t == typeof(decimal)
            || TypeDescriptor.GetConverter(t).CanConvertFrom(typeof(string));
    }

    private static Type? DictionaryValueType(Type type)
    {
        var dictionary = type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IDictionary<,>)
            ? type
            : type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IDictionary<,>));
        return dictionary?.GetGenericArguments() is [var key, var value] && key == typeof(string) ? value : null;
    }

    private static Type? ElementType(Type type)
    {
        if (type == typeof(string))
        {
            return null;
        }

        if (type.IsArray)
        {
            return type.GetElementType();
        }

        var list = type.GetInterfaces().Append(type)
            .FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IList<>));
        return list?.GetGenericArguments()[0] ?? (typeof(IList).IsAssignableFrom(type) ? typeof(object) : null);
    }
}

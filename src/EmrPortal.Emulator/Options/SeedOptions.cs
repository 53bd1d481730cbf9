using System.ComponentModel.DataAnnotations;

namespace EmrPortal.Emulator.Options;

/// <summary>Section <c>Emulator:Seed</c>: the deterministic data set.</summary>
public sealed class SeedOptions : IValidatableObject
{
    public const string SectionName = "Emulator:Seed";

    /// <summary>Same seed, same workspaces, ids, names and configs (times are relative to the emulator's start).</summary>
    public int RandomSeed { get; set; } = 20250115;

    /// <summary>Adds sessions with hostile names and values (markup, U+202E, CR/LF, very long strings).</summary>
    public bool Hostile { get; set; }

    /// <summary>Empty means the defaults (<see cref="DefaultWorkspaces"/>). Configured lists replace them entirely.</summary>
    public List<WorkspaceSeedOptions> Workspaces { get; set; } = [];

    public static IReadOnlyList<WorkspaceSeedOptions> DefaultWorkspaces { get; } =
    [
        new() { Id = "w-analytics", Name = "Analytics", Sessions = 320 },
        new() { Id = "w-marketing", Name = "Marketing", Sessions = 120 },
        new() { Id = "w-finance", Name = "Finance", Sessions = 60 },
        new() { Id = "w-large", Name = "Large", Sessions = 10_000 },
    ];

    public IReadOnlyList<WorkspaceSeedOptions> EffectiveWorkspaces => Workspaces.Count > 0 ? Workspaces : DefaultWorkspaces;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < Workspaces.Count; i++)
        {
            var results = new List<ValidationResult>();
            if (!Validator.TryValidateObject(Workspaces[i], new ValidationContext(Workspaces[i]), results, validateAllProperties: true))
            {
                foreach (var result in results)
                {
                    yield return new ValidationResult($"Emulator:Seed:Workspaces:{i}: {result.ErrorMessage}", [nameof(Workspaces)]);
                }
            }
            else if (!seen.Add(Workspaces[i].Id))
            {
                yield return new ValidationResult($"Emulator:Seed:Workspaces:{i} repeats id {Workspaces[i].Id}.", [nameof(Workspaces)]);
            }
        }
    }
}

public sealed class WorkspaceSeedOptions
{
    [Required, RegularExpression("^[A-Za-z0-9_-]{1,64}$")]
    public string Id { get; set; } = "";

    [Required, StringLength(128, MinimumLength = 1)]
    public string Name { get; set; } = "";

    [Range(0, 200_000)]
    public int Sessions { get; set; }

    /// <summary>The workspace's tags (ListWorkspaces <c>tags</c>, filterable with <c>tag</c>).</summary>
    public Dictionary<string, string> Tags { get; set; } = [];
}

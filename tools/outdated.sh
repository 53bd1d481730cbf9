#!/usr/bin/env bash
# Lists the central package versions (Directory.Packages.props) that are behind the newest version the configured
# NuGet source serves: Dependabot-style hygiene, on demand (it needs the network; ./test.sh does not run it).
#   tools/outdated.sh                 # every central package
#   tools/outdated.sh MudBlazor xunit # only packages whose id contains one of these words (case-insensitive)
# Per package it prints the pinned version, the newest stable one in the same major (a safe bump) and the newest
# stable overall (a new major may target a newer .NET: check before taking it). Exit code 0 when all are current,
# 1 when something is behind, 2 on errors. Source: the first enabled `dotnet nuget list source` (override: NUGET_SOURCE).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v python3 >/dev/null || { echo "python3 is needed" >&2; exit 2; }

source_url="${NUGET_SOURCE:-$(dotnet nuget list source --format short 2>/dev/null | awk '$1 ~ /^E/ {print $2; exit}')}"
source_url="${source_url:-https://api.nuget.org/v3/index.json}"

python3 - "$source_url" "$@" <<'PY'
import json, re, sys, urllib.request, xml.etree.ElementTree as ET

source, filters = sys.argv[1], [f.lower() for f in sys.argv[2:]]

def get(url):
    with urllib.request.urlopen(url, timeout=30) as r:
        return json.load(r)

def key(v):
    # 1.2.3 → (1,2,3); enough for comparing stable versions
    return tuple(int(p) for p in re.findall(r"\d+", v.split("-")[0]))

try:
    index = get(source)
    base = next(r["@id"] for r in index["resources"] if r["@type"].startswith("PackageBaseAddress/3.0.0"))
except Exception as e:
    print(f"cannot read the service index of {source}: {e}", file=sys.stderr)
    sys.exit(2)

packages = [(e.get("Include"), e.get("Version"))
            for e in ET.parse("Directory.Packages.props").getroot().iter("PackageVersion")]
if filters:
    packages = [p for p in packages if any(f in p[0].lower() for f in filters)]

behind = errors = 0
print(f"{'package':55} {'pinned':>14} {'same major':>14} {'newest':>14}")
for package, pinned in sorted(packages, key=lambda p: p[0].lower()):
    try:
        versions = get(f"{base.rstrip('/')}/{package.lower()}/index.json")["versions"]
    except Exception as e:
        print(f"{package:55} {pinned:>14}  (not found: {e})")
        errors += 1
        continue
    stable = [v for v in versions if "-" not in v] or versions
    newest = max(stable, key=key)
    pinned_major = key(pinned)[:1]
    same = max((v for v in stable if key(v)[:1] == pinned_major), key=key, default=pinned)
    if key(newest) > key(pinned) or key(same) > key(pinned):
        behind += 1
        print(f"{package:55} {pinned:>14} {same if key(same) > key(pinned) else '-':>14} {newest:>14}")
print(f"{behind} of {len(packages)} behind" + (f", {errors} not found" if errors else ""))
sys.exit(2 if errors else (1 if behind else 0))
PY

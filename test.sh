#!/usr/bin/env bash
# EmrPortal's one test command (README, .ci/run). On a fresh machine it installs what the tests need, restores,
# builds with warnings as errors, checks formatting (.editorconfig), publishes the apps the browser tests start,
# runs every test module, and ends with the line "N passed, N failed[, N skipped]" summed over all modules. Exit code: non-zero on any failure or if no
# test ran.
set -uo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1 DOTNET_CLI_UI_LANGUAGE=en
configuration=Release
artifacts="$PWD/artifacts"
mkdir -p "$artifacts/logs"

step() { printf '\n=== %s\n' "$*"; }

# --- 1. Debian packages the tests need (only those missing) -------------------------------------------------------
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing+=(postgresql)
if [ ${#missing[@]} -gt 0 ]; then
  step "installing Debian packages: ${missing[*]}"
  if [ "$(id -u)" != 0 ]; then
    echo "These Debian packages are missing: ${missing[*]}. Run as root, or: sudo apt-get install -y ${missing[*]}" >&2
    exit 2
  fi
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" \
    || { echo "apt-get could not install: ${missing[*]}" >&2; exit 2; }
fi

# --- 2. Restore, build (warnings are errors) and check formatting ----------------------------------------------
step "restore"
dotnet restore EmrPortal.sln || exit 3
step "build ($configuration, warnings as errors)"
dotnet build EmrPortal.sln -c "$configuration" --no-restore -warnaserror -nologo -clp:ErrorsOnly || exit 3

step "format (dotnet format --verify-no-changes; fix with: dotnet format EmrPortal.sln)"
dotnet format EmrPortal.sln --verify-no-changes --no-restore -v quiet || { echo "dotnet format found changes to make" >&2; exit 3; }

# --- 3. Publish the apps exactly as the Dockerfile does; the browser tests start these outputs ----------------------
for app in Emulator Proxy Web DevIdentityProvider; do
  step "publish EmrPortal.$app"
  dotnet publish "src/EmrPortal.$app/EmrPortal.$app.csproj" -c "$configuration" -r linux-x64 --self-contained false \
    -p:PublishReadyToRun=true -nologo -o "$artifacts/publish/$app" -clp:ErrorsOnly >/dev/null || exit 3
done
export EMRPORTAL_PUBLISH_DIR="$artifacts/publish"

# --- 4. Test modules, one at a time (the browser module must run alone) ---------------------------------------------
passed=0; failed=0; skipped=0; broken=()
for project in tests/EmrPortal.Emr.Tests tests/EmrPortal.Emulator.Tests tests/EmrPortal.Proxy.Tests tests/EmrPortal.Deploy.Tests \
               tests/EmrPortal.Web.Tests tests/EmrPortal.EndToEnd.Tests; do
  name=$(basename "$project")
  step "test $name"
  log="$artifacts/logs/$name.log"
  timeout 1200 dotnet test --project "$project" -c "$configuration" --no-build 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  summary=$(sed -n '/Test run summary/,$p' "$log")
  t=$(grep -oP '^\s*total:\s*\K\d+' <<<"$summary" | tail -1); t=${t:-0}
  f=$(grep -oP '^\s*failed:\s*\K\d+' <<<"$summary" | tail -1); f=${f:-0}
  s=$(grep -oP '^\s*succeeded:\s*\K\d+' <<<"$summary" | tail -1); s=${s:-0}
  k=$(grep -oP '^\s*skipped:\s*\K\d+' <<<"$summary" | tail -1); k=${k:-0}
  passed=$((passed + s)); failed=$((failed + f)); skipped=$((skipped + k))
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
    # A crash, a timeout, or a module with zero tests (exit 8) is a failure too.
    broken+=("$name (exit $rc)"); failed=$((failed + 1))
  fi
done

echo
[ ${#broken[@]} -gt 0 ] && echo "Modules that did not finish cleanly: ${broken[*]}"
line="$passed passed, $failed failed"
[ "$skipped" -gt 0 ] && line="$line, $skipped skipped"
echo "$line"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]

#!/usr/bin/env bash
# Runs every EmrPortal benchmark and writes docs/benchmarks.md:
#   1. micro-benchmarks (BenchmarkDotNet, in-process, MemoryDiagnoser)
#   2. the scaling curve of the proxy's snapshot (1k / 10k / 50k / 100k sessions, in-process)
#   3. the loopback load run: published Emulator + Proxy as real processes, 50 ms upstream latency, 10k sessions
#      (start-up ReadyToRun vs JIT, cold sequential vs partitioned scan, coalescing, warm closed loop and paced,
#      side by side with a bare Kestrel app serving the same page, naive baseline)
#   4. the soak: 200 clients for 60 s against the proxy with 10 % upstream faults (issue 9)
#   4b. the flood: one user's 500 random session ids beside another user's detail reads (issue 18)
#   5. the portal: Playwright + /usr/bin/chromium against the published Web (first row, sort click, memory per circuit)
# then the report. Budget: under 25 minutes on 2 cores; 17–21 measured (the heap dumps of the portal phase take about 3). Loopback only; every process it starts is stopped by PID.
#
# Options (environment):
#   BENCH_ARTIFACTS  build/publish output (default /tmp/art-bench)
#   BENCH_RESULTS    result files and app logs (default bench/results, git-ignored)
#   BENCH_REPORT     the markdown report (default docs/benchmarks.md)
#   BENCH_QUICK=1    shorter run for trying the script (BenchmarkDotNet --job short, fewer load requests)
#   BENCH_FROM_HEAD=1  build from `git archive HEAD` in a temp folder instead of the working tree, so the numbers
#                    belong to one commit (and uncommitted work elsewhere in the tree cannot break the run)
set -euo pipefail

cd "$(dirname "$0")"
ROOT=$(pwd)
ART=${BENCH_ARTIFACTS:-/tmp/art-bench}
RES=${BENCH_RESULTS:-$ROOT/bench/results}
REPORT=${BENCH_REPORT:-$ROOT/docs/benchmarks.md}
QUICK=${BENCH_QUICK:-0}
mkdir -p "$RES"
SECONDS=0
COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
SRC=$ROOT
SOURCE="working tree at $COMMIT"
if [[ "${BENCH_FROM_HEAD:-0}" == 1 ]]; then
  SRC=$(mktemp -d /tmp/emrportal-bench-src.XXXXXX)
  trap 'rm -rf "$SRC"' EXIT
  git archive HEAD | tar -x -C "$SRC"
  SOURCE="commit $COMMIT (git archive HEAD)"
elif [[ -n "$(git status --porcelain -- src bench 2>/dev/null)" ]]; then
  SOURCE="working tree at $COMMIT with uncommitted changes"
fi

step() { printf '\n==> [%3ds] %s\n' "$SECONDS" "$*"; }

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

step "Build the benchmarks and publish the apps ReadyToRun, as the Dockerfile and ./test.sh do (Release, $SOURCE)"
dotnet build "$SRC/bench/EmrPortal.Benchmarks" -c Release --artifacts-path "$ART" -warnaserror -nologo -v quiet
dotnet build "$SRC/bench/EmrPortal.LoadDriver" -c Release --artifacts-path "$ART" -warnaserror -nologo -v quiet
for app in Emulator Proxy Web; do
  dotnet publish "$SRC/src/EmrPortal.$app" -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true \
    --artifacts-path "$ART" -nologo -v quiet
done
# The anchor: bare Kestrel, published the same way.
dotnet publish "$SRC/bench/EmrPortal.BareKestrel" -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true \
  --artifacts-path "$ART" -warnaserror -nologo -v quiet

BENCH="$ART/bin/EmrPortal.Benchmarks/release/EmrPortal.Benchmarks.dll"
DRIVER="$ART/bin/EmrPortal.LoadDriver/release/EmrPortal.LoadDriver.dll"
EMULATOR="$ART/publish/EmrPortal.Emulator/release_linux-x64/EmrPortal.Emulator.dll"
PROXY="$ART/publish/EmrPortal.Proxy/release_linux-x64/EmrPortal.Proxy.dll"
WEB="$ART/publish/EmrPortal.Web/release_linux-x64/EmrPortal.Web.dll"
BARE="$ART/publish/EmrPortal.BareKestrel/release_linux-x64/EmrPortal.BareKestrel.dll"
CHROMIUM=${EMRPORTAL_CHROMIUM:-/usr/bin/chromium}

MICRO_ARGS=(--filter '*')
LOAD_ARGS=()
SOAK_ARGS=()
if [[ "$QUICK" == 1 ]]; then
  MICRO_ARGS+=(--job short)
  LOAD_ARGS+=(--warm-requests 8000 --warm-seconds 15 --naive-requests 32 --naive-seconds 30 --paced-seconds 8 --anchor-rounds 2 --anchor-seconds 2 --anchor-warm-seconds 6)
  SOAK_ARGS+=(--seconds 20)
fi

step "Micro-benchmarks (BenchmarkDotNet)"
timeout 420 dotnet "$BENCH" micro --results "$RES/micro.json" "${MICRO_ARGS[@]}" --artifacts "$RES/BenchmarkDotNet.Artifacts"

step "Scaling curve (1k / 10k / 50k / 100k sessions)"
timeout 240 dotnet "$BENCH" scaling --results "$RES/scaling.json" --sizes 1000,10000,50000,100000

step "Notifications: detection + outbox cost per refresh of a 10,000-session workspace (ratio to the refresh)"
timeout 180 dotnet "$BENCH" notify --results "$RES/notify.json" --sessions 10000 \
  || echo "notification cost run failed; see the output above"

step "Load run (Emulator + Proxy on loopback, 50 ms upstream latency, 10k sessions; start-up; bare-Kestrel anchor)"
timeout 660 dotnet "$DRIVER" run --emulator "$EMULATOR" --proxy "$PROXY" --web "$WEB" --bare "$BARE" --results "$RES/load.json" --logs "$RES/logs" "${LOAD_ARGS[@]}"

step "Soak (200 clients, 60 s, 10 % upstream faults)"
rm -f "$RES/soak.json"
timeout 240 dotnet "$DRIVER" soak --emulator "$EMULATOR" --proxy "$PROXY" --results "$RES/soak.json" --logs "$RES/logs" "${SOAK_ARGS[@]}" \
  || echo "soak failed (see $RES/logs/soak); the report marks it as not run"

step "Flood (one user's 500 random session ids beside another user's detail reads)"
rm -f "$RES/flood.json"
timeout 240 dotnet "$DRIVER" flood --emulator "$EMULATOR" --proxy "$PROXY" --results "$RES/flood.json" --logs "$RES/logs" \
  || echo "flood run failed (see $RES/logs/flood); the report marks it as not run"

step "Portal (Playwright + $CHROMIUM against the published Web)"
rm -f "$RES/portal.json"
timeout 900 dotnet "$DRIVER" portal --emulator "$EMULATOR" --proxy "$PROXY" --web "$WEB" --bare "$BARE" --chromium "$CHROMIUM" \
  --results "$RES/portal.json" --logs "$RES/logs" \
  || echo "portal run failed (see $RES/logs/portal); the report marks it as not run"

step "Report"
dotnet "$DRIVER" report --micro "$RES/micro.json" --scaling "$RES/scaling.json" --load "$RES/load.json" \
  --soak "$RES/soak.json" --portal "$RES/portal.json" --flood "$RES/flood.json" --notify "$RES/notify.json" --out "$REPORT" --total-seconds "$SECONDS" --source "$SOURCE"

step "Done: $REPORT ($((SECONDS / 60)) min $((SECONDS % 60)) s)"
sed -n '/^## Closing note/,$p' "$REPORT"

#!/usr/bin/env bash
# Try EmrPortal on any cluster in one command: generates the demo sign-in key pair (once per installation, kept only
# in the cluster's Secret), applies the demo overlay and waits for the rollout. Needs kubectl and openssl.
#   deploy/kubernetes/demo.sh            then: kubectl -n emrportal-demo port-forward svc/emrportal-web 8080:80
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
ns=emrportal-demo

kubectl create namespace "$ns" --dry-run=client -o yaml | kubectl apply -f - >/dev/null
if ! kubectl -n "$ns" get secret emrportal-demo-signing >/dev/null 2>&1; then
  keys="$(mktemp -d)"; trap 'rm -rf "$keys"' EXIT
  # ES256 (P-256): the web app signs demo tokens with the private key, the proxy verifies them with the public one.
  openssl ecparam -name prime256v1 -genkey -noout | openssl pkcs8 -topk8 -nocrypt -out "$keys/private.pem"
  openssl ec -in "$keys/private.pem" -pubout -out "$keys/public.pem" 2>/dev/null
  kubectl -n "$ns" create secret generic emrportal-demo-signing \
    --from-file=private.pem="$keys/private.pem" --from-file=public.pem="$keys/public.pem" >/dev/null
  echo "created Secret emrportal-demo-signing"
fi

kubectl apply -k "$here/overlays/demo"
for app in emulator redis proxy web; do
  kubectl -n "$ns" rollout status "deployment/emrportal-$app" --timeout=5m
done
echo "EmrPortal demo is ready: kubectl -n $ns port-forward svc/emrportal-web 8080:80, then open http://localhost:8080"

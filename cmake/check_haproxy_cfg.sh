#!/usr/bin/env bash
# deploy/haproxy.cfg is what deploy/haproxy-cfg.sh prints for the example nodes (so the two
# cannot drift apart), and HAProxy accepts it.
set -euo pipefail
src="$1"
generated=$(bash "$src/deploy/haproxy-cfg.sh" --bind '*:80' --source 10.0.0.10 \
  n1=10.0.0.11:8080 n2=10.0.0.12:8080 n3=10.0.0.13:8080)
if ! diff <(echo "$generated") "$src/deploy/haproxy.cfg"; then
  echo "deploy/haproxy.cfg differs from what deploy/haproxy-cfg.sh prints: regenerate it" >&2
  exit 1
fi
haproxy -c -q -f "$src/deploy/haproxy.cfg"
# A bad node name stops the generator, with nothing printed but the reason.
if out=$(bash "$src/deploy/haproxy-cfg.sh" 'N 1=10.0.0.11:8080' 2>/dev/null); then
  echo "deploy/haproxy-cfg.sh accepted a node name with a space and a capital" >&2
  exit 1
fi
if [ -n "$out" ]; then
  echo "deploy/haproxy-cfg.sh printed a configuration for a bad node name" >&2
  exit 1
fi

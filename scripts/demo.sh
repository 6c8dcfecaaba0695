#!/usr/bin/env bash
# Brings up a real PostgreSQL 15 server from specs/examples/single.yaml on
# the local Docker engine and shows that it is healthy. Run
# `build/pgdecl destroy -f specs/examples/single.yaml` to tear it down.
set -Eeuo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
SPEC=specs/examples/single.yaml
bash scripts/setup.sh
bash scripts/build.sh >/dev/null
echo "== pgdecl validate"; build/pgdecl validate -f "$SPEC"
echo "== pgdecl apply"; build/pgdecl apply -f "$SPEC" --auto-approve
echo "== pgdecl plan (nothing left to do)"; build/pgdecl plan -f "$SPEC" --detailed-exitcode
publish=$(build/pgdecl show -f "$SPEC" --json | sed -n 's/.*"publish": "\(127\.0\.0\.1:[0-9]*\)".*/\1/p' | head -n1)
echo "== the server (published on $publish), asked from inside its container"
docker exec -u postgres single-master psql -X -A -t -d postgres \
  -c "select 'healthy: ' || version()" \
  -c "select 'data checksums: ' || current_setting('data_checksums')" \
  -c "select 'password_encryption: ' || current_setting('password_encryption')"
echo "== done. Tear down with: build/pgdecl destroy -f $SPEC --auto-approve"

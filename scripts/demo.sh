#!/usr/bin/env bash
# Brings up a real PostgreSQL 15 server with an application's roles and
# database from specs/examples/app.yaml on the local Docker engine, and
# shows that it is healthy and as declared. Run
# `build/pgdecl destroy -f specs/examples/app.yaml --auto-approve` to tear it down.
set -Eeuo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
SPEC=specs/examples/app.yaml
bash scripts/setup.sh
bash scripts/build.sh >/dev/null
echo "== pgdecl validate"; build/pgdecl validate -f "$SPEC"
echo "== pgdecl apply"; build/pgdecl apply -f "$SPEC" --auto-approve
echo "== pgdecl plan (nothing left to do)"; build/pgdecl plan -f "$SPEC" --detailed-exitcode
publish=$(build/pgdecl show -f "$SPEC" --json | sed -n 's/.*"publish": "\(127\.0\.0\.1:[0-9]*\)".*/\1/p' | head -n1)
echo "== the server (published on $publish), asked from inside its container"
docker exec -u postgres appdemo-master psql -X -A -t -d postgres \
  -c "select 'healthy: ' || version()" \
  -c "select 'data checksums: ' || current_setting('data_checksums')" \
  -c "select 'role ' || rolname || ': login=' || rolcanlogin || ', connection limit=' || rolconnlimit ||
             ', password=' || coalesce(split_part(rolpassword, '\$', 1), 'none')
        from pg_authid where rolname like 'app%' order by rolname" \
  -c "select 'database ' || datname || ': owner=' || pg_get_userbyid(datdba) || ', encoding=' ||
             pg_encoding_to_char(encoding) || ', locale=' || datcollate
        from pg_database where datname = 'appdb'"
echo "== done. Tear down with: build/pgdecl destroy -f $SPEC --auto-approve"

#!/usr/bin/env bash
# Proves that the published form of nestjs-ai-cache works for an application on one Nest major,
# outside this monorepo: build the library, `npm pack` it, install the tarball next to that Nest
# major in a fresh temp project, type-check a TypeScript consumer, then run an ESM app and a
# CommonJS app against it (test/compat/consumer/). Everything the consumer loads comes from the
# consumer's own node_modules, never from the monorepo's.
#
# Usage: scripts/compat-smoke.sh <11|12>
#   COMPAT_KEEP=1   keep the temp dir (its path is printed) to debug a failure
# Prints one line per check and ends with `compat nest<major>: N passed, N failed`;
# exits non-zero when any check failed.
set -euo pipefail

major="${1:-}"
# Each Nest major with the @nestjs/config line and ioredis major its users pair with it.
case "$major" in
  11) config_range='^4.0.0'  ioredis_range='^5.0.0' module_type='commonjs' entries=(app.cjs app.mjs) ;;
  12) config_range='^12.0.0' ioredis_range='^6.0.0' module_type='module'   entries=(app.mjs app.cjs) ;;
  *) echo "usage: $0 <11|12>" >&2; exit 2 ;;
esac

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
lib_dir="$root/libs/ai-cache"
tsc="$root/node_modules/.bin/tsc"
# Outside the repo on purpose: Node's module lookup must not be able to climb into its node_modules.
work="$(mktemp -d "${TMPDIR:-/tmp}/nestjs-ai-cache-compat-$major.XXXXXX")"
consumer="$work/consumer"
log="$work/step.log"
started=$SECONDS
redis_pid=""
passed=0 failed=0 skipped=0

# npm's own cache (~/.npm) makes reruns quick; "error" hides warnings about the machine's npmrc.
export npm_config_loglevel=error npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false

cleanup() {
  if [[ -n "$redis_pid" ]]; then
    kill "$redis_pid" 2>/dev/null || true
    wait "$redis_pid" 2>/dev/null || true
  fi
  if [[ "${COMPAT_KEEP:-}" == 1 ]]; then echo "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

record() { # <PASS|FAIL|SKIP> <what>
  echo "$1  $2"
  case "$1" in
    PASS) passed=$((passed + 1)) ;;
    FAIL) failed=$((failed + 1)) ;;
    SKIP) skipped=$((skipped + 1)) ;;
  esac
}

show_log() { sed -e 's/^/        /' "$log" | tail -n "${1:-30}"; }

finish() {
  echo "took $((SECONDS - started)) s"
  local summary="compat nest$major: $passed passed, $failed failed"
  if [[ $skipped -gt 0 ]]; then summary+=", $skipped skipped"; fi
  echo "$summary"
  if [[ $failed -eq 0 ]]; then exit 0; else exit 1; fi
}

installed_version() { node -p "require('$consumer/node_modules/$1/package.json').version"; }

# 1. Build: a clean dist/, so files of deleted sources never ship.
if (cd "$lib_dir" && rm -rf dist && "$tsc" -p tsconfig.lib.json) >"$log" 2>&1; then
  leaks="$(grep -rlE "(require\(|from |import\()[\"'](@app/|libs/)" "$lib_dir/dist" || true)"
  if [[ ! -f "$lib_dir/dist/index.js" || ! -f "$lib_dir/dist/index.d.ts" ]]; then
    record FAIL "build: dist/index.js or dist/index.d.ts is missing (is src/index.ts there?)"
    finish
  elif [[ -n "$leaks" ]]; then
    record FAIL "build: the @app/ alias or a libs/ path leaked into the output: ${leaks//$'\n'/ }"
  else
    record PASS "build: tsc -p libs/ai-cache/tsconfig.lib.json (CommonJS, relative imports only)"
  fi
else
  record FAIL "build: tsc -p libs/ai-cache/tsconfig.lib.json failed"
  show_log
  finish
fi

# 2. Pack: what npm would publish.
if tarball="$(cd "$lib_dir" && npm pack --ignore-scripts --pack-destination "$work" --json 2>"$log" |
    node -e 'let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => console.log(JSON.parse(s)[0].filename))')"; then
  tar -tzf "$work/$tarball" >"$log"
  missing=""
  for file in package/package.json package/README.md package/dist/index.js package/dist/index.d.ts; do
    grep -qx "$file" "$log" || missing+=" $file"
  done
  stray="$(grep -E '\.spec\.|tsconfig|\.tsbuildinfo$|\.ts$' "$log" | grep -vE '\.d\.ts$' || true)"
  if [[ -n "$missing" ]]; then
    record FAIL "pack: $tarball lacks$missing"
  elif [[ -n "$stray" ]]; then
    record FAIL "pack: $tarball ships files a consumer must not get: ${stray//$'\n'/ }"
  else
    record PASS "pack: $tarball ($(wc -l <"$log") files: dist/ with .d.ts, README, package.json; no sources or specs)"
  fi
else
  record FAIL "pack: npm pack failed"
  show_log
  finish
fi

# 3. Install the Nest major and the tarball into a fresh consumer; strict peers, so a peer range
#    of ours that excludes this Nest major fails here rather than in a user's project.
mkdir -p "$consumer"
cp "$root"/test/compat/consumer/{package.json,tsconfig.json,app.mjs,app.cjs,compat-checks.mjs,types-check.mts} "$consumer/"
(cd "$consumer" && npm pkg set type="$module_type")
install_started=$SECONDS
if (cd "$consumer" && npm install --prefer-offline --no-package-lock --strict-peer-deps \
    "@nestjs/common@^$major.0.0" "@nestjs/core@^$major.0.0" "@nestjs/platform-express@^$major.0.0" \
    "@nestjs/config@$config_range" "reflect-metadata@^0.2.0" "rxjs@^7.8.0" "ioredis@$ioredis_range" \
    "$work/$tarball") >"$log" 2>&1; then
  record PASS "install: @nestjs/core $(installed_version @nestjs/core), @nestjs/config $(installed_version @nestjs/config), ioredis $(installed_version ioredis) + $tarball, strict peer deps ($((SECONDS - install_started)) s)"
else
  record FAIL "install: npm install into the consumer failed"
  show_log
  finish
fi

# 4. Types: a TypeScript ESM consumer (module nodenext) compiles against the packed .d.ts.
if (cd "$consumer" && "$tsc" -p tsconfig.json) >"$log" 2>&1; then
  record PASS "types: types-check.mts compiles against the packed declarations (tsc, module nodenext)"
else
  record FAIL "types: types-check.mts does not compile against the packed declarations"
  show_log
fi

# 5. A throwaway redis-server on a free loopback port (never the machine's shared 6379).
if command -v redis-server >/dev/null; then
  port="$(node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')"
  redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$work" >"$work/redis.log" 2>&1 &
  redis_pid=$!
  for _ in $(seq 50); do
    if redis-cli -p "$port" ping 2>/dev/null | grep -q PONG; then export COMPAT_REDIS_URL="redis://127.0.0.1:$port"; break; fi
    sleep 0.1
  done
fi

# 6. The apps: each prints its own PASS/FAIL/SKIP lines; anything else they print is shown indented.
for entry in "${entries[@]}"; do
  set +e
  (cd "$consumer" && env -u NODE_PATH timeout 180 node "$entry") >"$log" 2>&1
  status=$?
  set -e
  counted=0 failed_before=$failed
  while IFS= read -r line; do
    case "$line" in
      "PASS  "* | "FAIL  "* | "SKIP  "*) record "${line%%  *}" "${line#*  }"; counted=$((counted + 1)) ;;
      *) echo "        $line" ;;
    esac
  done <"$log"
  # A crash or a hang (timeout: 124) that no FAIL line explains is a failure of its own.
  if [[ $status -ne 0 && $failed -eq $failed_before ]]; then
    record FAIL "$entry exited with status $status after $counted check lines"
  fi
done

finish

#!/usr/bin/env bash
# Proves that the published form of nestjs-ai-cache works for an application on one Nest major,
# outside this monorepo, the way a user gets it: build the library, `npm pack` it, and in a fresh
# temp project (test/compat/consumer/):
#   1. install the tarball next to that Nest major with plain `npm install`, no optional peer;
#      type-check a memory-only app with skipLibCheck: false (no optional peer's types needed), and
#      run it: the main entry loads, and a Redis URL without ioredis says what to install;
#   2. install every optional peer of the manifest by its bare name (the newest version npm finds
#      for this Node.js), with plain `npm install`, then `npm ls` must exit 0 (our peer ranges admit
#      all of them);
#   3. type-check an import of every `exports` entry under moduleResolution node10, node16,
#      nodenext and bundler, and the TypeScript consumer (types-check.mts, nodenext);
#   4. compile every TypeScript block of README.md (scripts/readme-code-blocks.js);
#   5. run an ESM app and a CommonJS app against it (compat-checks.mjs), Redis included.
# Everything the consumer loads comes from the consumer's own node_modules, never from the monorepo's.
#
# Usage: scripts/compat-smoke.sh <11|12> [--only readme]
#   --only readme   steps 1-2 (install) and 4 only: what `npm run test:readme` runs
#   COMPAT_KEEP=1   keep the temp dir (its path is printed) to debug a failure
# Prints one line per check and ends with `compat nest<major>: N passed, N failed`;
# exits non-zero when any check failed.
set -euo pipefail

major="${1:-}"
only="${3:-}"
if [[ "${2:-}" == "--only" && "$only" != "readme" ]] || [[ -n "${2:-}" && "${2:-}" != "--only" ]]; then
  echo "usage: $0 <11|12> [--only readme]" >&2
  exit 2
fi
# Each Nest major with the @nestjs/config line its users pair with it, and the module system its
# apps are built for (Nest 11: `nest new` makes CommonJS apps; Nest 12 packages are ESM-only).
case "$major" in
  11) config_range='^4.0.0'  module_type='commonjs' entries=(app.cjs app.mjs) readme_module=(commonjs node10) ;;
  12) config_range='^12.0.0' module_type='module'   entries=(app.mjs app.cjs) readme_module=(nodenext nodenext) ;;
  *) echo "usage: $0 <11|12> [--only readme]" >&2; exit 2 ;;
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

# Runs a script that prints PASS/FAIL/SKIP lines (anything else is shown indented); a crash or a
# hang (timeout: 124) that no FAIL line explains is a failure of its own.
run_checks() { # <label> <command...>
  local label="$1"; shift
  set +e
  (cd "$consumer" && env -u NODE_PATH timeout 180 "$@") >"$log" 2>&1
  local status=$?
  set -e
  local counted=0 failed_before=$failed line
  while IFS= read -r line; do
    case "$line" in
      "PASS  "* | "FAIL  "* | "SKIP  "*) record "${line%%  *}" "${line#*  }"; counted=$((counted + 1)) ;;
      *) echo "        $line" ;;
    esac
  done <"$log"
  if [[ $status -ne 0 && $failed -eq $failed_before ]]; then
    record FAIL "$label exited with status $status after $counted check lines"
  fi
}

# Writes $consumer/<name> as a tsconfig compiling <files> with the given module settings.
write_tsconfig() { # <name> <module> <moduleResolution> <skipLibCheck> <files...>
  local name="$1" module="$2" resolution="$3" skip="$4"; shift 4
  node -e '
    const [file, module, moduleResolution, skipLibCheck, ...files] = process.argv.slice(1);
    const compilerOptions = { module, moduleResolution, target: "ES2022", lib: ["ES2023"], strict: true,
      experimentalDecorators: true, emitDecoratorMetadata: true, esModuleInterop: true,
      skipLibCheck: skipLibCheck === "true", noEmit: true, types: ["node"] };
    require("fs").writeFileSync(file, JSON.stringify({ compilerOptions, files }, null, 2));
  ' "$consumer/$name" "$module" "$resolution" "$skip" "$@"
}

# With skipLibCheck false, tsc also reports errors inside other packages' own declarations (an
# optional peer's .d.ts that needs a lib this app lacks): those are shown, but only errors in our
# declarations or in the consumer's file fail the check.
type_check() { # <what> <tsconfig name>
  if (cd "$consumer" && "$tsc" -p "$2" --pretty false) >"$log" 2>&1; then
    record PASS "types: $1"
    return
  fi
  local ours others
  ours="$(grep -E '^[^ ].*: error TS' "$log" | grep -vE '^node_modules/' || true)"
  ours+="$(grep -E '^node_modules/nestjs-ai-cache/.*: error TS' "$log" || true)"
  others="$(grep -cE '^node_modules/.*: error TS' "$log" | tr -d ' ')"
  if [[ -z "$ours" && "$others" -gt 0 ]]; then
    record PASS "types: $1 (ignored: $others errors inside other packages' own declarations, below)"
    grep -E '^node_modules/.*: error TS' "$log" | sed -e 's/^/        /' | head -10
  else
    record FAIL "types: $1"
    show_log
  fi
}

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

# 2. Pack: what npm would publish, with every file `exports` and `typesVersions` point at.
if tarball="$(cd "$lib_dir" && npm pack --ignore-scripts --pack-destination "$work" --json 2>"$log" |
    node -e 'let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => console.log(JSON.parse(s)[0].filename))')"; then
  tar -tzf "$work/$tarball" >"$log"
  referenced="$(node -e '
    const m = require(process.argv[1]);
    const files = new Set(["package.json", "README.md", m.main, m.types]);
    for (const target of Object.values(m.exports)) for (const f of typeof target === "string" ? [target] : Object.values(target)) files.add(f);
    for (const map of Object.values(m.typesVersions ?? {})) for (const list of Object.values(map)) for (const f of list) files.add(f);
    console.log([...files].map((f) => "package/" + f.replace(/^\.\//, "")).join("\n"));
  ' "$lib_dir/package.json")"
  missing=""
  for file in $referenced; do
    grep -qx "$file" "$log" || missing+=" $file"
  done
  stray="$(grep -E '\.spec\.|tsconfig|\.tsbuildinfo$|\.ts$' "$log" | grep -vE '\.d\.ts$' || true)"
  if [[ -n "$missing" ]]; then
    record FAIL "pack: $tarball lacks$missing (referenced by package.json)"
  elif [[ -n "$stray" ]]; then
    record FAIL "pack: $tarball ships files a consumer must not get: ${stray//$'\n'/ }"
  else
    record PASS "pack: $tarball ($(wc -l <"$log") files: every file exports/typesVersions name, README, package.json; no sources or specs)"
  fi
else
  record FAIL "pack: npm pack failed"
  show_log
  finish
fi

# 3. A fresh consumer with the Nest major and the tarball, and none of our optional peers.
mkdir -p "$consumer"
cp "$root"/test/compat/consumer/{package.json,app.mjs,app.cjs,compat-checks.mjs,types-check.mts,types-memory-only.ts,no-peers.mjs} "$consumer/"
(cd "$consumer" && npm pkg set type="$module_type")
install_started=$SECONDS
if (cd "$consumer" && npm install --prefer-offline --no-package-lock \
    "@nestjs/common@^$major.0.0" "@nestjs/core@^$major.0.0" "@nestjs/platform-express@^$major.0.0" \
    "@nestjs/config@$config_range" "reflect-metadata@^0.2.0" "rxjs@^7.8.0" "@types/node@^20" \
    "$work/$tarball") >"$log" 2>&1; then
  record PASS "install: @nestjs/core $(installed_version @nestjs/core), @nestjs/config $(installed_version @nestjs/config) + $tarball, no optional peer, plain npm install ($((SECONDS - install_started)) s)"
else
  record FAIL "install: npm install into the consumer failed"
  show_log
  finish
fi

if [[ "$only" != readme ]]; then
  # 4. Without optional peers: the declarations alone compile (skipLibCheck false), the entry loads.
  for resolution in "commonjs node10" "nodenext nodenext"; do
    set -- $resolution
    write_tsconfig "tsconfig.memory-only.$2.json" "$1" "$2" false types-memory-only.ts
    type_check "a memory-only app compiles without any optional peer, skipLibCheck false (module $1, moduleResolution $2)" "tsconfig.memory-only.$2.json"
  done
  run_checks no-peers.mjs node no-peers.mjs
fi

# 5. Every optional peer by its bare name, as `npm i <peer>` in a user's app: npm picks the newest
#    version that supports this Node.js, and refuses (ERESOLVE) one our peer range excludes.
optional_peers=($(node -e '
  const m = require(process.argv[1]);
  console.log(Object.entries(m.peerDependenciesMeta ?? {}).filter(([, meta]) => meta.optional).map(([name]) => name).join(" "));
' "$consumer/node_modules/nestjs-ai-cache/package.json"))
install_started=$SECONDS
if (cd "$consumer" && npm install --prefer-offline --no-package-lock "${optional_peers[@]}") >"$log" 2>&1; then
  versions=""
  for peer in "${optional_peers[@]}"; do versions+=" $peer@$(installed_version "$peer")"; done
  record PASS "install: every optional peer with plain npm install:$versions ($((SECONDS - install_started)) s)"
else
  record FAIL "install: npm install ${optional_peers[*]} failed (a peer range of ours excludes the version npm picks for Node $(node -v)?)"
  show_log 40
  finish
fi
if (cd "$consumer" && npm ls --all) >"$log" 2>&1; then
  record PASS "npm ls --all exits 0: every peer range of every installed package is satisfied"
else
  record FAIL "npm ls --all reports problems"
  grep -E 'invalid|missing|ERR|extraneous|UNMET' "$log" | sed -e 's/^/        /' | head -20 || show_log
fi

if [[ "$only" != readme ]]; then
  # 6. Every `exports` entry resolves and type-checks under each moduleResolution a user may have.
  node -e '
    const m = require(process.argv[1]);
    const specifiers = Object.keys(m.exports).filter((k) => k !== "./package.json").map((k) => "nestjs-ai-cache" + k.slice(1));
    const lines = specifiers.map((s, i) => `import * as entry${i} from "${s}";`);
    // Each entry must export names (an unresolved or untyped module fails before this; an empty one here).
    lines.push(...specifiers.map((s, i) => `export const names${i}: Array<keyof typeof entry${i}> = [];`));
    lines.push(...specifiers.map((s, i) => `type Exported${i} = keyof typeof entry${i}; export const nonEmpty${i}: [Exported${i}] extends [never] ? "${s} exports nothing" : true = true;`));
    require("fs").writeFileSync(process.argv[2], lines.join("\n") + "\n");
  ' "$consumer/node_modules/nestjs-ai-cache/package.json" "$consumer/subpath-imports.ts"
  entries_list="$(grep -oE '^import \* as entry[0-9]+ from "[^"]+"' "$consumer/subpath-imports.ts" | grep -oE '"[^"]+"' | tr -d '"' | tr '\n' ' ')"
  # moduleResolution node16 is checked with module node20 (TypeScript 5.9: Node 20's module system,
  # which can require() an ES module). module node16 models Node 16, which cannot: with an ESM-only
  # package (Nest 12, @nestjs/terminus 12) it fails for any CommonJS code, the app's own included,
  # and this package needs Node >= 20.19 anyway.
  for resolution in "commonjs node10" "node20 node16" "nodenext nodenext" "esnext bundler"; do
    set -- $resolution
    write_tsconfig "tsconfig.subpaths.$1.json" "$1" "$2" false subpath-imports.ts
    type_check "every exports entry resolves and type-checks, skipLibCheck false (module $1, moduleResolution $2): ${entries_list% }" "tsconfig.subpaths.$1.json"
  done
  write_tsconfig tsconfig.types-check.json nodenext nodenext true types-check.mts
  type_check "types-check.mts compiles against the packed declarations (module nodenext)" tsconfig.types-check.json
fi

# 7. README.md: every TypeScript block compiles as written against the packed library (with what
#    its examples import besides: the store of your own there is over PostgreSQL).
readme_deps=(pg @types/pg)
if ! (cd "$consumer" && npm install --prefer-offline --no-package-lock "${readme_deps[@]}") >"$log" 2>&1; then
  record FAIL "install: the README examples' own dependencies (${readme_deps[*]})"
  show_log
fi
run_checks "the README check" node "$root/scripts/readme-code-blocks.js" check "$root/README.md" "$consumer" "${readme_module[@]}" "$tsc"

if [[ "$only" == readme ]]; then finish; fi

# 8. A throwaway redis-server on a free loopback port (never the machine's shared 6379).
if command -v redis-server >/dev/null; then
  port="$(node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')"
  redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$work" >"$work/redis.log" 2>&1 &
  redis_pid=$!
  for _ in $(seq 50); do
    if redis-cli -p "$port" ping 2>/dev/null | grep -q PONG; then export COMPAT_REDIS_URL="redis://127.0.0.1:$port"; break; fi
    sleep 0.1
  done
fi

# 9. The apps: each prints its own PASS/FAIL/SKIP lines.
for entry in "${entries[@]}"; do
  run_checks "$entry" node "$entry"
done

finish

#!/usr/bin/env bash
# Builds TwinLab once (Release) and runs every test project, continuing past failures, then prints the failing
# tests and, as the last line, the totals: "N passed, N failed" (", N skipped" is appended when N > 0).
# Exit status: 0 only when the build succeeded, every test project ran, at least one test ran and none failed.
#
# Usage: bash environment/test.sh         (from any directory)
# Results: artifacts/test-results/<Project>.trx (cleaned at the start of each run).
set -euo pipefail

CONFIGURATION=Release
# A test host that makes no progress for this long is killed and its project reported as failed.
HANG_TIMEOUT="${TWINLAB_TEST_HANG_TIMEOUT:-10m}"

export DOTNET_CLI_TELEMETRY_OPTOUT=1
export DOTNET_NOLOGO=1
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RESULTS_DIR="$ROOT/artifacts/test-results"
cd "$ROOT"

log() { printf 'test: %s\n' "$*"; }

bash "$ROOT/environment/setup.sh"

rm -rf "$RESULTS_DIR"
mkdir -p "$RESULTS_DIR"

# Every project under tests/ that declares itself a test project (TwinLab.Benchmarks does not).
test_projects=()
while IFS= read -r project; do
  if grep -Eqi '<IsTestProject>[[:space:]]*true[[:space:]]*</IsTestProject>' "$project"; then
    test_projects+=("$project")
  fi
done < <(find tests -name '*.csproj' -not -path '*/bin/*' -not -path '*/obj/*' | sort)

SECONDS=0
log "building TwinLab.sln ($CONFIGURATION)"
if ! dotnet build TwinLab.sln -c "$CONFIGURATION" --no-restore -nologo -v minimal; then
  log "error: the build failed; no tests ran."
  echo "0 passed, 0 failed"
  exit 1
fi
log "build took ${SECONDS}s"

# Each project writes <Project>.trx; a project whose run fails for any reason other than failing tests (a crash, a
# hang, a missing assembly) is listed in run_errors.
run_errors=()
for project in "${test_projects[@]}"; do
  name="$(basename "$project" .csproj)"
  log "running $name"
  SECONDS=0
  status=0
  dotnet test "$project" --no-build -c "$CONFIGURATION" --nologo \
    --logger "trx;LogFileName=$name.trx" --results-directory "$RESULTS_DIR" \
    --blame-hang-timeout "$HANG_TIMEOUT" --blame-hang-dump-type none || status=$?
  log "$name finished in ${SECONDS}s (exit $status)"
  run_errors+=("$name:$status")
done

PYTHON=/usr/bin/python3
[[ -x "$PYTHON" ]] || PYTHON=python3

# Sums the <Counters> of every .trx, lists failing tests and projects that did not run properly, prints the totals
# line last and exits non-zero on any failure. Arguments: the results folder, then Project:exit-status pairs.
"$PYTHON" - "$RESULTS_DIR" ${run_errors[@]+"${run_errors[@]}"} <<'PY'
import os
import sys
import xml.etree.ElementTree as ET

results_dir, runs = sys.argv[1], sys.argv[2:]
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
passed = failed = skipped = 0
failing_tests, problems = [], []

if not runs:
    problems.append("no test projects found under tests/")

for run in runs:
    name, _, status = run.rpartition(":")
    status = int(status)
    path = os.path.join(results_dir, name + ".trx")
    if not os.path.exists(path):
        problems.append(f"{name}: no results (dotnet test exited with {status})")
        continue
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as error:
        problems.append(f"{name}: unreadable results {path}: {error}")
        continue
    counters = root.find("t:ResultSummary/t:Counters", ns)
    if counters is None:
        problems.append(f"{name}: no <Counters> in {path}")
        continue
    count = lambda key: int(counters.get(key, "0"))
    p = count("passed")
    f = count("failed") + count("error") + count("timeout") + count("aborted")
    # Skipped tests are in total but not in executed (the trx logger leaves notExecuted at 0 for them).
    s = max(count("notExecuted"), count("total") - count("executed")) + count("inconclusive")
    unaccounted = count("total") - p - f - s
    if unaccounted > 0:  # any other outcome is not a pass
        f += unaccounted
    passed, failed, skipped = passed + p, failed + f, skipped + s
    for result in root.iterfind("t:Results/t:UnitTestResult", ns):
        if result.get("outcome") not in ("Passed", "NotExecuted", "Inconclusive"):
            failing_tests.append(f"{name}: {result.get('testName')} [{result.get('outcome')}]")
    if status != 0 and f == 0:
        outcome = root.find("t:ResultSummary", ns)
        detail = outcome.get("outcome") if outcome is not None else "unknown"
        problems.append(f"{name}: the test run did not complete (dotnet test exited with {status}, outcome {detail})")

if passed + failed + skipped == 0:
    problems.append("no tests ran")

if failing_tests:
    print(f"Failing tests ({len(failing_tests)}):")
    for test in failing_tests:
        print(f"  FAILED {test}")
for problem in problems:
    print(f"  ERROR {problem}")

summary = f"{passed} passed, {failed} failed"
if skipped:
    summary += f", {skipped} skipped"
print(summary, flush=True)
sys.exit(1 if failed or problems else 0)
PY

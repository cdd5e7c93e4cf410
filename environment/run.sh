#!/usr/bin/env bash
# The main job: prepares the machine, then runs TwinLab end to end through the twinlab command.
#
# Usage: bash environment/run.sh           (from any directory)
set -euo pipefail

export DOTNET_CLI_TELEMETRY_OPTOUT=1
export DOTNET_NOLOGO=1
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TWINLAB="$ROOT/twinlab"

bash "$ROOT/environment/setup.sh"

cd "$ROOT"

# The job itself: the built-in model library in brief, then every notebook in notebooks/ executed headless (the
# executed notebooks and self-contained HTML pages go to artifacts/notebooks/), then re-executed and compared with
# the outputs stored in the repository, as a reviewer would check them.
"$TWINLAB" models
echo
"$TWINLAB" run notebooks --out artifacts/notebooks --html
echo
"$TWINLAB" verify notebooks

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

# Until the notebook runner exists: list the built-in models and show each one.
model_catalogue() {
  "$TWINLAB" models
  local names name
  names="$("$TWINLAB" models --names)"
  for name in $names; do
    echo
    "$TWINLAB" models show "$name"
  done
}

# The job itself. When `twinlab run notebooks` exists, this line becomes: "$TWINLAB" run notebooks
model_catalogue

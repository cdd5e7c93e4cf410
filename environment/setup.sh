#!/usr/bin/env bash
# Prepares a Debian 12 machine that already has the .NET 10 SDK for building, testing and running TwinLab:
# Debian packages, front-end (npm) packages, then NuGet packages. Idempotent: a re-run on a prepared machine
# installs nothing and does not touch apt.
#
# Usage: bash environment/setup.sh        (from any directory; apt needs root when a package is missing)
set -euo pipefail

# Debian packages TwinLab needs at build, test or run time. Extend this list; nothing else needs to change.
APT_PACKAGES=(
  python3-scipy       # reference ODE solutions and statistics that tests compare against
  python3-numpy
  python3-sklearn     # reference implementations (NearestNeighbors, LogisticRegression, metrics) for the synthetic-data evaluation
  python3-jsonschema  # validates the JSON artefacts against data-schemas/
  libsbml5-dev        # libSBML: its example validator (compiled with g++) checks every SBML export
  libsbml5-examples   # validateSBML.cpp, the validator the governance tests compile
  g++
  pkg-config
  libxml2-utils       # xmllint checks OMEX manifests and SED-ML against the XSDs in shared/standards
  python3-rdflib      # parses OMEX metadata.rdf and Croissant JSON-LD
  libzmq5             # ZeroMQ, the transport of TwinLab's Jupyter kernel (used through P/Invoke)
  jupyter-notebook    # real Jupyter clients that the kernel is tested with
  jupyter-nbconvert
  python3-nbclient
  python3-nbformat    # validates written notebooks
  python3-jupyter-client
  chromium            # headless browser: PNG export of charts, and the browser tests of exported pages
)
# npm installs environment/package.json (plotly.js for offline interactive charts). Debian's npm is added only when no
# npm is on the PATH: a Node.js from elsewhere (e.g. NodeSource) ships its own npm and conflicts with Debian's package.
command -v npm >/dev/null 2>&1 || APT_PACKAGES+=(npm)

export DOTNET_CLI_TELEMETRY_OPTOUT=1
export DOTNET_NOLOGO=1
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ENV_DIR="$ROOT/environment"

log() { printf 'setup: %s\n' "$*"; }
die() { printf 'setup: error: %s\n' "$*" >&2; exit 1; }

# --- Debian packages --------------------------------------------------------------------------------------------
missing_apt_packages() {
  local package status
  for package in "$@"; do
    status="$(dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null || true)"
    [[ "$status" == "installed" ]] || printf '%s\n' "$package"
  done
}

mapfile -t missing < <(missing_apt_packages "${APT_PACKAGES[@]}")
if ((${#missing[@]} == 0)); then
  log "Debian packages: all ${#APT_PACKAGES[@]} installed."
else
  if [[ "$(id -u)" -ne 0 ]]; then
    die "missing Debian packages: ${missing[*]}
  Install them as root, then run this script again:
    sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}"
  fi
  log "Debian packages: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update
  apt-get install -y --no-install-recommends "${missing[@]}"
  mapfile -t still_missing < <(missing_apt_packages "${APT_PACKAGES[@]}")
  ((${#still_missing[@]} == 0)) || die "apt-get did not install: ${still_missing[*]}"
fi

# --- npm packages (front-end assets) ----------------------------------------------------------------------------
# environment/package.json pins them (plotly.js-dist-min, served offline to charts) and package-lock.json locks them;
# they are installed into environment/node_modules, which is never committed.
if [[ -f "$ENV_DIR/package.json" ]]; then
  command -v npm >/dev/null 2>&1 || die "environment/package.json exists but npm is not installed; add npm to APT_PACKAGES."
  # npm records what it installed in node_modules/.package-lock.json; skip when that is newer than the manifests.
  installed_marker="$ENV_DIR/node_modules/.package-lock.json"
  if [[ -f "$installed_marker" && ! "$ENV_DIR/package.json" -nt "$installed_marker" \
        && ! ( -f "$ENV_DIR/package-lock.json" && "$ENV_DIR/package-lock.json" -nt "$installed_marker" ) ]]; then
    log "npm packages: up to date."
  elif [[ -f "$ENV_DIR/package-lock.json" ]]; then
    log "npm packages: npm ci"
    (cd "$ENV_DIR" && npm ci --no-audit --no-fund)
  else
    log "npm packages: npm install"
    (cd "$ENV_DIR" && npm install --no-audit --no-fund)
  fi
fi

# --- npm validators (test tools) --------------------------------------------------------------------------------
# environment/validators/package.json lists validators the governance tests run (the ro-crate package used by
# shared/standards/validators/rocval.js); installed into environment/validators/node_modules.
VALIDATORS_DIR="$ENV_DIR/validators"
if [[ -f "$VALIDATORS_DIR/package.json" ]]; then
  command -v npm >/dev/null 2>&1 || die "environment/validators/package.json exists but npm is not installed; add npm to APT_PACKAGES."
  if [[ -f "$VALIDATORS_DIR/node_modules/.package-lock.json" && ! "$VALIDATORS_DIR/package-lock.json" -nt "$VALIDATORS_DIR/node_modules/.package-lock.json" ]]; then
    log "npm validators: up to date."
  else
    log "npm validators: npm ci"
    (cd "$VALIDATORS_DIR" && npm ci --no-audit --no-fund)
  fi
fi

# --- NuGet packages ---------------------------------------------------------------------------------------------
command -v dotnet >/dev/null 2>&1 || die "dotnet is not on the PATH; install the .NET 10 SDK first."
log "NuGet packages: dotnet restore TwinLab.sln"
dotnet restore "$ROOT/TwinLab.sln" -nologo -v q
log "done."

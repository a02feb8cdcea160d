#!/usr/bin/env bash
# Installs every Debian package Pupitre needs to build, run and test.
# Idempotent and non-interactive: it only calls apt-get when something is missing.
# Works as root or through sudo.
set -euo pipefail

# libreoffice-calc-nogui: the csv_calc test opens the results CSV as a teacher's spreadsheet would.
# libcmark-dev: course pages (Markdown, rendered safely). libzip-dev: hand-ins downloaded as one ZIP.
# libcurl4-openssl-dev, libssl-dev: live classes call a BigBlueButton server (HTTPS, signed calls);
# python3 runs the stand-in BigBlueButton server the tests start; python3-jwt and
# python3-cryptography the LTI 1.3 platform they start (tests/standins/lti_platform.py).
# postgresql-15 and libpq-dev: the store shared by several nodes (the cluster tests start their own
# server in a temporary directory).
# libhowardhinnant-date-dev and tzdata: time zones (the school's, [school] time_zone).
# liblemonldap-ng-portal-perl (with libxml-simple-perl and libstring-random-perl for its CAS
# and OpenID Connect issuers, libio-string-perl for its issuers' base class since 2.16.1+ds-deb12u10,
# which does not depend on it, libgd-securityimage-perl and libimage-magick-perl for the captcha
# module it always loads): the identity provider the single sign-on tests start.
# tsung: `make bench` cross-checks the simulator against it (bench/tsung_crosscheck.sh).
packages=(
  build-essential cmake ninja-build ccache pkg-config clang-14
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libsodium-dev libsqlite3-dev sqlite3 libpq-dev postgresql-15 zlib1g-dev libspdlog-dev libfmt-dev
  libcli11-dev libtomlplusplus-dev libpugixml-dev libhowardhinnant-date-dev tzdata
  libcmark-dev libzip-dev libcurl4-openssl-dev libssl-dev python3 python3-jwt python3-cryptography
  libgtest-dev libgmock-dev libbenchmark-dev
  curl wrk nginx haproxy slowhttptest tsung libfuzzer-14-dev
  chromium node-tweetnacl libreoffice-calc-nogui
  liblemonldap-ng-portal-perl libxml-simple-perl libstring-random-perl libgd-securityimage-perl
  libimage-magick-perl libio-string-perl
)
# Node.js and npm run the browser tests. A machine may already have them from elsewhere (a newer
# Node.js whose package conflicts with Debian's npm): only install what is missing.
command -v node >/dev/null 2>&1 || packages+=(nodejs)
command -v npm >/dev/null 2>&1 || packages+=(npm)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -gt 0 ]; then
echo "install-deps: installing ${missing[*]}"
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo_cmd=(sudo); else
    echo "install-deps: need root or sudo to install: ${missing[*]}" >&2; exit 1; fi
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -q
"${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# The browser tests' JavaScript packages (playwright-core), from the npm registry, pinned by
# package-lock.json (at the top of the repository, so that tests/browser/ finds node_modules/).
# Playwright drives Debian's Chromium: it downloads no browser.
browser_dir="$(cd "$(dirname "$0")/.." && pwd)"
if [ ! -d "$browser_dir/node_modules/playwright-core" ] ||
   [ "$browser_dir/package-lock.json" -nt "$browser_dir/node_modules/.package-lock.json" ]; then
  echo "install-deps: npm ci (playwright-core for the browser tests)"
  (cd "$browser_dir" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
fi

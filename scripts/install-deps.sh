#!/usr/bin/env bash
# Installs the system packages Wicket's gateway, client and test suites use, on Debian or
# Ubuntu, with apt-get (only what is missing). Elsewhere it prints what to install.
set -euo pipefail
# perl: the test topology's ICMP probe uses its core Net::Ping (iputils' ping may be absent).
# chromium: the console's browser tests drive Debian's chromium through playwright-core.
# postgresql: the tests run the controller's store on a real PostgreSQL as well as SQLite
# (test/support/postgres.ts starts a private server from the package's binaries). The demo
# and a controller on its default SQLite store never need it.
packages=(wireguard-tools wireguard-go nftables iproute2 conntrack iperf3 perl chromium postgresql)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if ! command -v apt-get >/dev/null; then
  echo "missing packages: ${missing[*]} (install them with your package manager)" >&2
  exit 1
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "missing packages: ${missing[*]}; run as root: apt-get install -y --no-install-recommends ${missing[*]}" >&2
  exit 1
fi
echo "installing ${missing[*]} with apt-get"
apt-get update -q
apt-get install -y --no-install-recommends "${missing[@]}"

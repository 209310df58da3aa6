#!/bin/sh
# Installs the Debian 12 packages kafka-model builds with, if any is missing.
# Runs as root with no stdin (CI); a no-op when everything is present.
set -eu
# librsvg2-bin: rsvg-convert, which the `report` tests render the HTML
# report's SVG with. Chromium is not installed (hundreds of MB): the test that
# loads the page in headless Chromium skips itself without it. parallel: GNU
# parallel, which the `scaleout` test runs check's shards with.
packages="g++ cmake ninja-build libboost-dev libfmt-dev libgtest-dev librapidcheck-dev
libbenchmark-dev libcli11-dev nlohmann-json3-dev graphviz libyaml-cpp-dev
librsvg2-bin parallel"
missing=""
for p in $packages; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "install-deps: installing$missing" >&2
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
# shellcheck disable=SC2086
$SUDO apt-get install -y -q --no-install-recommends $missing

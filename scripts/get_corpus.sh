#!/usr/bin/env bash
# Writes the King James Bible to data/kjv.txt (the default corpus of the `text` task).
#
# The text comes from Debian's `bible-kjv` package; its `bible` command prints any range of verses,
# and the range Gen1:1-Rev22:21 is the whole book. We keep bible's default pretty-printing (book
# and chapter headings, numbered verses) and fix the line width with -l79, so the file does not
# depend on the terminal's COLUMNS. Installs the package (apt-get, as root or through sudo) when
# `bible` is missing. Idempotent: an existing non-empty data/kjv.txt is kept.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$root/data/kjv.txt"

if [[ -s "$out" ]]; then
  echo "get_corpus: $out already exists ($(wc -c <"$out") bytes)"
  exit 0
fi

if ! command -v bible >/dev/null 2>&1; then
  if [[ $(id -u) -eq 0 ]]; then
    sudo=()
  elif command -v sudo >/dev/null 2>&1; then
    sudo=(sudo)
  else
    echo "get_corpus: the 'bible' command is missing; install the bible-kjv package as root" >&2
    exit 1
  fi
  echo "get_corpus: installing bible-kjv"
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq bible-kjv
fi

mkdir -p "$root/data"
tmp="$(mktemp "$root/data/.kjv.XXXXXX")"
trap 'rm -f "$tmp"' EXIT
bible -l79 'Gen1:1-Rev22:21' </dev/null >"$tmp"
# A sanity check before the file becomes visible: the first and the last verse are there.
if ! grep -q 'In the beginning God created the heaven and the earth' "$tmp" ||
   ! grep -q 'The grace of our Lord Jesus Christ be with you all. Amen.' "$tmp"; then
  echo "get_corpus: 'bible' did not print the whole text; see $tmp" >&2
  trap - EXIT
  exit 1
fi
mv "$tmp" "$out"
trap - EXIT
echo "get_corpus: wrote $out ($(wc -c <"$out") bytes)"

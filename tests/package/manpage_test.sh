#!/usr/bin/env bash
# loadgen(1) as scripts/manpage.sh generates it from BINARY's help: groff renders it without a
# warning, and it has every command's section and their flags.
set -euo pipefail
bin=${1:?usage: manpage_test.sh LOADGEN_BINARY SOURCE_DIR}
src=${2:?usage: manpage_test.sh LOADGEN_BINARY SOURCE_DIR}
page=$(mktemp)
trap 'rm -f "$page" "$page.txt"' EXIT
bash "$src/scripts/manpage.sh" "$bin" >"$page"
warnings=$(groff -man -Tutf8 -ww -z "$page" 2>&1)
[[ -z $warnings ]] || { echo "groff: $warnings"; exit 1; }
groff -man -Tutf8 -rLL=120n -P-cbou "$page" >"$page.txt"
for want in "LOADGEN LOAD" "LOADGEN CURL" "LOADGEN SERVER" "LOADGEN MERGE" "LOADGEN REPORT" "LOADGEN GRPCPING" \
            "-qps float" "-shards int" "-start-at time" "-max-pending int" "EXIT STATUS" "JOB_COMPLETION_INDEX"; do
  grep -qF -- "$want" "$page.txt" || { echo "man page: no \"$want\""; exit 1; }
done
if grep -qF -- "Fortio's flag for" "$page.txt"; then echo "man page: lists other commands' Fortio flags"; exit 1; fi
echo "man page: $(wc -l <"$page.txt") lines, every command and flag checked"

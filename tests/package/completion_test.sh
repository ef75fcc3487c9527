#!/usr/bin/env bash
# The bash completion (deploy/package/loadgen.bash-completion) against BINARY: commands, a
# command's flags as its -h lists them, and JSON files for merge. And the zsh one parses.
set -euo pipefail
bin=${1:?usage: completion_test.sh LOADGEN_BINARY SOURCE_DIR}
src=${2:?usage: completion_test.sh LOADGEN_BINARY SOURCE_DIR}
# shellcheck source=/dev/null
source "$src/deploy/package/loadgen.bash-completion"
complete_words() {
  COMP_WORDS=("$@")
  COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
  COMPREPLY=()
  _loadgen
  echo "${COMPREPLY[*]}"
}
check() {
  local want=$1
  shift
  local got
  got=$(complete_words "$@")
  [[ $got == "$want" ]] || { echo "completion of '$*': got '$got', want '$want'"; exit 1; }
}
check "load" "$bin" lo
check "merge" "$bin" me
check "-qps" "$bin" load -qp
check "-max-active -max-echo-delay -max-pending" "$bin" server -max-
check "-shard-index -shards" "$bin" load -shard
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
touch "$dir/a.json" "$dir/b.txt"
check "$dir/a.json" "$bin" merge "$dir/"
if command -v zsh >/dev/null; then zsh -n "$src/deploy/package/_loadgen"; fi
echo "completion: commands, flags and files complete"

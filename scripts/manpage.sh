#!/usr/bin/env bash
# Writes loadgen(1) in roff on stdout, generated from the binary's own help (`loadgen help` and
# each command's -h), so the man page never drifts from the flags. The .deb installs it (CMake
# runs this after building loadgen); `man -l loadgen.1` shows it.
#   bash scripts/manpage.sh build/release/apps/loadgen/loadgen > loadgen.1
set -euo pipefail
bin=${1:?usage: manpage.sh LOADGEN_BINARY}
version=$("$bin" version)

# roff escaping of a line of help text: backslashes, hyphens, and a leading dot or quote.
esc() { sed -e 's/\\/\\e/g' -e 's/-/\\-/g' -e "s/^\([.']\)/\\\\\&\1/"; }

cat <<ROFF
.TH LOADGEN 1 "" "loadgen $version" "User Commands"
.SH NAME
loadgen \- Fortio-compatible HTTP load generator, echo server and result tools
.SH SYNOPSIS
.B loadgen
.I command
[\fIflags\fR] [\fIurl\fR]
.SH DESCRIPTION
loadgen takes Fortio's command lines (\fBfortio load\fR, \fBcurl\fR, \fBserver\fR, \fBgrpcping\fR,
\fBreport\fR) and prints Fortio's report, with latency measured from when each call was due
(no coordinated omission), a full report on SIGTERM, and transport errors named by kind.
Flags are Go-style: \fB\-qps 0\fR, \fB\-qps=0\fR, \fB\-\-qps 0\fR, \fB\-keepalive=false\fR.
.SH COMMANDS
ROFF
"$bin" help | awk '/^Commands:/{on=1; next} /^$/{on=0} on' | esc | awk '
  /^  [a-z]/ { name = $1; sub(/^  [^ ]+ +/, ""); printf ".TP\n.B %s\n%s\n", name, $0; next }
  { sub(/^ +/, ""); print }'

for command in $("$bin" help | awk '/^Commands:/{on=1; next} /^$/{on=0} on && /^  [a-z]/{print $1}'); do
  case $command in version|help|buildinfo) continue ;; esac
  echo ".SH \"LOADGEN $(echo "$command" | tr '[:lower:]' '[:upper:]')\""
  # The command's -h: its first line says what it does; then groups of "  -flag type" lines each
  # followed by a tab-indented description. Fortio's flags of other commands are left out.
  "$bin" "$command" -h 2>&1 | esc | awk '
    NR == 1 { print; next }
    /^Usage: / { sub(/^Usage: /, ""); printf ".PP\n.B %s\n", $0; next }
    /^Fortio flags of other commands/ { skip = 1; next }
    /^[^ \t].*:$/ { skip = 0; sub(/:$/, ""); printf ".SS \"%s\"\n", $0; next }
    skip { next }
    /^  \\-/ { flag = $1; $1 = ""; sub(/^ /, ""); printf ".TP\n.B %s%s\n", flag, ($0 == "" ? "" : " \\fI" $0 "\\fR"); next }
    /^ *\t/ { sub(/^ *\t/, ""); print; next }
    /^$/ { next }
    { print }'
done

cat <<'ROFF'
.SH "EXIT STATUS"
0 the run was made (whatever the answers); 1 it could not be made (bad URL, DNS, a warmup
failure, a file that cannot be written); 2 bad flags; 3 an \fB\-assert\fR failed.
.SH ENVIRONMENT
.TP
.B HTTP_PROXY, HTTPS_PROXY, NO_PROXY
as curl reads them (\fB\-proxy direct\fR ignores them).
.TP
.B JOB_COMPLETION_INDEX
with \fB\-shards\fR N: which share of the load this process makes (a Kubernetes Indexed Job sets it).
.SH "SEE ALSO"
.BR fortio (1),
.BR wrk (1),
.BR h2load (1)
ROFF

#!/usr/bin/env bash
# Makes a throw-away PKI for the TLS tests in directory $1: a CA, a good leaf for localhost and
# 127.0.0.1, an expired leaf, a leaf for the wrong host, and a client certificate for mutual TLS.
set -euo pipefail
cd "$1"
key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }
key ca.key
openssl req -x509 -key ca.key -out ca.pem -days 3 -subj "/CN=loadgen test CA" 2>/dev/null
leaf() {  # name common-name subject-alt-names
  key "$1.key"
  openssl req -new -key "$1.key" -out "$1.csr" -subj "/CN=$2" 2>/dev/null
  printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth,clientAuth\n' "$3" > "$1.ext"
  openssl x509 -req -in "$1.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -days 3 -extfile "$1.ext" -out "$1.pem" 2>/dev/null
}
leaf good localhost "DNS:localhost,IP:127.0.0.1"
leaf wronghost wrong.example "DNS:wrong.example"
leaf client "loadgen client" "DNS:client"
# An expired leaf needs explicit dates, which only `openssl ca` takes.
mkdir -p db && : > db/index.txt && echo 1000 > db/serial
cat > ca.cnf <<'CNF'
[ ca ]
default_ca = test_ca
[ test_ca ]
database = db/index.txt
new_certs_dir = db
serial = db/serial
default_md = sha256
policy = any
copy_extensions = copy
[ any ]
commonName = supplied
CNF
key expired.key
openssl req -new -key expired.key -out expired.csr -subj "/CN=localhost" \
  -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" 2>/dev/null
openssl ca -batch -config ca.cnf -cert ca.pem -keyfile ca.key -in expired.csr -out expired.pem \
  -startdate 20200101000000Z -enddate 20200102000000Z -notext 2>/dev/null

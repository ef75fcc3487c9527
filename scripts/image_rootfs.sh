#!/usr/bin/env bash
# Lays out the root file system of loadgen's image in DEST, from a built loadgen binary:
#   /usr/bin/loadgen (stripped) and /usr/bin/fortio -> loadgen
#   the shared libraries it loads, as ldd lists them, with the dynamic loader, and OpenSSL's
#   (opened by the binary when a run first needs TLS)
#   /etc/ssl/certs/ca-certificates.crt, /etc/passwd and /etc/group (user fortio, uid 1000),
#   /etc/nsswitch.conf (hosts: files dns), /var/lib/fortio (owned by 1000), /tmp
# Nothing else: no shell, no package manager. DNS works with glibc's own resolver (since glibc
# 2.34, Debian 12 has 2.36, the files and dns NSS modules are inside libc.so.6, so no NSS
# plugin has to be shipped); the container runtime supplies /etc/resolv.conf and /etc/hosts.
#   bash scripts/image_rootfs.sh build/image/apps/loadgen/loadgen build/image/rootfs
set -euo pipefail
bin=${1:?usage: image_rootfs.sh LOADGEN_BINARY DEST}
dest=${2:?usage: image_rootfs.sh LOADGEN_BINARY DEST}
rm -rf "$dest"
mkdir -p "$dest"/usr/bin "$dest"/etc/ssl/certs "$dest"/var/lib/fortio "$dest"/tmp
strip -o "$dest/usr/bin/loadgen" "$bin"
ln -s loadgen "$dest/usr/bin/fortio"
# Every library the binary needs, at the path ldd resolved it to (the loader by its own name), and
# OpenSSL's libssl.so.3 with what it needs: the binary opens it when a run first needs TLS
# (LOADGEN_LAZY_OPENSSL), so ldd does not list it.
ssl=$(ldconfig -p | awk '$1 == "libssl.so.3" && /x86-64/ {path = $NF} END {print path}')
[[ -n $ssl ]] || { echo "image_rootfs: libssl.so.3 is not installed (libssl3)" >&2; exit 1; }
{
  ldd "$bin"
  echo "	$ssl (0x0)"
  ldd "$ssl"
} | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}' | sort -u | while read -r lib; do
  mkdir -p "$dest$(dirname "$lib")"
  cp -L "$lib" "$dest$lib"
done
if { ldd "$bin"; ldd "$ssl"; } | grep -q "not found"; then
  echo "image_rootfs: $bin needs a library that is not installed:" >&2
  { ldd "$bin"; ldd "$ssl"; } | grep "not found" >&2
  exit 1
fi
cp /etc/ssl/certs/ca-certificates.crt "$dest/etc/ssl/certs/"
printf 'root:x:0:0:root:/root:/usr/sbin/nologin\nfortio:x:1000:1000:loadgen:/var/lib/fortio:/usr/sbin/nologin\n' > "$dest/etc/passwd"
printf 'root:x:0:\nfortio:x:1000:\n' > "$dest/etc/group"
printf 'hosts: files dns\n' > "$dest/etc/nsswitch.conf"
chown 1000:1000 "$dest/var/lib/fortio" 2>/dev/null || chmod 0777 "$dest/var/lib/fortio"
chmod 1777 "$dest/tmp"

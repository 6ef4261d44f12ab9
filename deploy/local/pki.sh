#!/usr/bin/env bash
# The deployment's own certificate authority and the hub's TLS certificate, made with openssl
# (installed with apt if missing). Edge nodes trust only this CA (EdgeAccess:Edge:HubCaCertificatePath),
# so a certificate from any other issuer, as a man in the middle would present, fails their link.
#
#   pki.sh <dir> <hub-host-or-ip>...     e.g. pki.sh .run/pki 127.0.0.1 localhost hub.example.org
#
# Writes, idempotently:
#   <dir>/ca.pem    the CA certificate: give it to every edge node (EdgeAccess:Edge:HubCaCertificatePath)
#   <dir>/ca.key    the CA private key (0600): keep it off the hub and the nodes once certificates are issued
#   <dir>/hub.pem   the hub certificate followed by its private key (0600), signed by the CA, naming every
#                   host and IP given (subjectAltName): the hub's EdgeAccess:Endpoints:CertificatePath
# An existing CA is kept. An existing hub certificate is kept while it chains to the CA, names every
# host and IP given, and is valid for 30 more days; otherwise it is issued again with a new key.
# Keys are written with umask 077 and never printed.
set -euo pipefail

dir="${1:-}"
[ -n "$dir" ] && [ $# -ge 2 ] || { echo "usage: $0 <dir> <hub-host-or-ip>..." >&2; exit 2; }
shift
names=("$@")

if ! command -v openssl >/dev/null 2>&1; then
  echo "==> installing openssl (apt)" >&2
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq openssl >/dev/null
fi

umask 077
mkdir -p "$dir"

is_ip() { [[ "$1" =~ ^[0-9]+(\.[0-9]+){3}$ || "$1" == *:* ]]; }

CA_DAYS=3650   # the deployment CA: ten years, replaced deliberately
HUB_DAYS=825   # the hub certificate: the longest lifetime browsers accept (gRPC-web on the TLS port)
RENEW_SECONDS=$((30 * 24 * 3600))

# --- The CA ---------------------------------------------------------------------------------
if [ ! -s "$dir/ca.pem" ] || [ ! -s "$dir/ca.key" ]; then
  echo "==> creating the deployment CA in $dir" >&2
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$dir/ca.key.tmp" 2>/dev/null
  openssl req -new -x509 -sha256 -key "$dir/ca.key.tmp" -days "$CA_DAYS" -out "$dir/ca.pem.tmp" \
    -subj "/O=EdgeAccess/CN=EdgeAccess deployment CA $(date -u +%Y-%m-%d)" \
    -addext "basicConstraints=critical,CA:TRUE,pathlen:0" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -addext "subjectKeyIdentifier=hash" 2>/dev/null
  mv "$dir/ca.key.tmp" "$dir/ca.key"
  mv "$dir/ca.pem.tmp" "$dir/ca.pem"
  rm -f "$dir/hub.pem"  # issued by a CA that no longer exists
fi
chmod 600 "$dir/ca.key"
chmod 644 "$dir/ca.pem"

# --- The hub certificate --------------------------------------------------------------------
hub_is_current() {
  [ -s "$dir/hub.pem" ] || return 1
  openssl x509 -in "$dir/hub.pem" -noout -checkend "$RENEW_SECONDS" >/dev/null 2>&1 || return 1
  local name
  for name in "${names[@]}"; do
    if is_ip "$name"; then
      openssl verify -CAfile "$dir/ca.pem" -purpose sslserver -verify_ip "$name" "$dir/hub.pem" >/dev/null 2>&1 || return 1
    else
      openssl verify -CAfile "$dir/ca.pem" -purpose sslserver -verify_hostname "$name" "$dir/hub.pem" >/dev/null 2>&1 || return 1
    fi
  done
}

if ! hub_is_current; then
  echo "==> issuing the hub certificate for ${names[*]}" >&2
  san=""
  for name in "${names[@]}"; do
    if is_ip "$name"; then san+="${san:+,}IP:$name"; else san+="${san:+,}DNS:$name"; fi
  done
  work="$(mktemp -d "$dir/.issue.XXXXXX")"
  trap 'rm -rf "$work"' EXIT
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$work/hub.key" 2>/dev/null
  openssl req -new -sha256 -key "$work/hub.key" -subj "/O=EdgeAccess/CN=${names[0]}" -out "$work/hub.csr" 2>/dev/null
  cat > "$work/ext.cnf" <<EOF
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth
subjectAltName=$san
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid
EOF
  openssl x509 -req -sha256 -in "$work/hub.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" \
    -set_serial "0x$(openssl rand -hex 16)" -days "$HUB_DAYS" -extfile "$work/ext.cnf" -out "$work/hub.crt" 2>/dev/null
  # Certificate first, then its key: X509Certificate2.CreateFromPemFile(path) reads both from one file.
  cat "$work/hub.crt" "$work/hub.key" > "$work/hub.pem"
  mv "$work/hub.pem" "$dir/hub.pem"
fi
chmod 600 "$dir/hub.pem"

echo "$dir/ca.pem $dir/hub.pem"

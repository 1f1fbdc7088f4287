#!/usr/bin/env bash
# Installs (or, with --uninstall, removes) an EdgeFuse gateway on Raspberry Pi OS 64-bit (Debian
# bookworm, arm64): Java 17, /opt/edgefuse, /etc/edgefuse/*.cfg, the edgefuse systemd service and,
# optionally, Mosquitto with broker-config/. Step by step, keys and layout: docs/gateway.md.
#
# Everything it creates is listed in /opt/edgefuse/install-manifest, which is what --uninstall removes.
# --root DIR installs below DIR and --dry-run changes nothing, so the script can be tried on any machine.
set -euo pipefail

PROG="edgefuse-install"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

# Layout on the gateway. With --root every path below is prefixed by the root folder.
OPT=/opt/edgefuse
ETC=/etc/edgefuse
TRUSTED_KEYS=$ETC/trusted-keys
DEFAULTS=/etc/default/edgefuse
UNIT=/etc/systemd/system/edgefuse.service
STATE=/var/lib/edgefuse
CACHE=/var/cache/edgefuse
CLI_LINK=/usr/local/bin/edgefuse
MANIFEST=$OPT/install-manifest
MOSQUITTO_CONF=/etc/mosquitto/conf.d/edgefuse.conf
MOSQUITTO_ACL=/etc/mosquitto/edgefuse.acl
SERVICE=edgefuse.service
SERVICE_USER=edgefuse
JAVA_PACKAGE=openjdk-17-jre-headless
TARGET_ARCH=arm64
TF_NATIVE_GLOB="tensorflow-core-native-*-linux-arm64.jar"

usage() {
  cat <<EOF
Usage: sudo ./install.sh [options]          install or upgrade this gateway
       sudo ./install.sh --uninstall [--root DIR] [--dry-run]
                                            remove everything a previous install made

Install options:
  --node-id ID            this gateway's node id (default: the host name); A-Z a-z 0-9 . _ -
  --broker HOST[:PORT]    the MQTT broker the node connects to (default 127.0.0.1:1883)
  --executor tf|java      tf (TensorFlow, default) or java (reference executor, slow)
  --models LIST           comma-separated model folders or zoo names the node loads at start
  --trust FILE[,FILE...]  public keys (PEM, from edgefuse keys generate) that over-the-air updates
                          must be signed with; copied to /etc/edgefuse/trusted-keys. Without: no OTA
  --coordinator           also run the coordinator on this gateway (needs --models)
  --mosquitto MODE        also install Mosquitto with broker-config/: dev (loopback only),
                          lan (port 1883 on every interface, anonymous) or production (TLS, passwords, ACL)
  --no-start              enable the service but do not (re)start it now
  --dist DIR              the distribution (lib/, bundles/); default: dist/ next to this script

Test options (the script can be tried on any machine with them):
  --root DIR              install below DIR instead of /; apt-get, systemctl, useradd and chown are
                          printed, not run
  --dry-run               print every action, change nothing
  -h, --help              this text

An existing /etc/edgefuse/*.cfg is kept on upgrade: edit it instead (docs/gateway.md).
EOF
}

die() { echo "$PROG: $*" >&2; exit 2; }
warn() { echo "$PROG: warning: $*" >&2; }
say() { echo "$PROG: $*"; }

# ---- options ----------------------------------------------------------------------------------------
ROOT=""
DRY_RUN=false
UNINSTALL=false
NODE_ID=""
BROKER="127.0.0.1:1883"
EXECUTOR="tf"
MODELS=""
TRUST=""
COORDINATOR=false
MOSQUITTO=""
START=true
DIST=""

parse_args() {
  while [ $# -gt 0 ]; do
    case "$1" in
      --root) [ $# -ge 2 ] || die "--root needs a folder"; ROOT="$2"; shift 2 ;;
      --dry-run) DRY_RUN=true; shift ;;
      --uninstall) UNINSTALL=true; shift ;;
      --node-id) [ $# -ge 2 ] || die "--node-id needs a value"; NODE_ID="$2"; shift 2 ;;
      --broker) [ $# -ge 2 ] || die "--broker needs HOST[:PORT]"; BROKER="$2"; shift 2 ;;
      --executor) [ $# -ge 2 ] || die "--executor needs tf or java"; EXECUTOR="$2"; shift 2 ;;
      --models) [ $# -ge 2 ] || die "--models needs a list"; MODELS="$2"; shift 2 ;;
      --trust) [ $# -ge 2 ] || die "--trust needs a key file"; TRUST="${TRUST:+$TRUST,}$2"; shift 2 ;;
      --coordinator) COORDINATOR=true; shift ;;
      --mosquitto) [ $# -ge 2 ] || die "--mosquitto needs dev, lan or production"; MOSQUITTO="$2"; shift 2 ;;
      --no-start) START=false; shift ;;
      --dist) [ $# -ge 2 ] || die "--dist needs a folder"; DIST="$2"; shift 2 ;;
      -h|--help) usage; exit 0 ;;
      *) die "unknown option '$1' (see --help)" ;;
    esac
  done
}

# A real run changes this machine; --root and --dry-run do not touch the system outside the root folder.
real() { [ -z "$ROOT" ] && ! $DRY_RUN; }

# ---- checks (all of them run before the first change) ----------------------------------------------
# Debian's architecture of the userland, not the kernel's: Raspberry Pi OS 32-bit runs an aarch64
# kernel under armhf packages, and Java and TensorFlow follow the packages.
detect_arch() {
  if ! real && [ -n "${EDGEFUSE_ARCH:-}" ]; then
    echo "$EDGEFUSE_ARCH"
  elif command -v dpkg >/dev/null; then
    dpkg --print-architecture
  else
    case "$(uname -m)" in
      aarch64|arm64) echo arm64 ;;
      x86_64) echo amd64 ;;
      *) uname -m ;;
    esac
  fi
}

check_install_args() {
  # The machine first: on a wrong machine nothing else matters (and the test relies on this order to
  # try a real install on its build machine safely, with a distribution that does not exist).
  local arch
  arch="$(detect_arch)"
  if real; then
    [ "$arch" = "$TARGET_ARCH" ] || die "this machine is '$arch', not $TARGET_ARCH: the gateway install is for Raspberry Pi OS
  64-bit (Debian bookworm, arm64). To try the script here use --root DIR or --dry-run."
    [ "$(id -u)" -eq 0 ] || die "run as root (sudo ./install.sh ...), or try it with --root DIR / --dry-run"
    command -v apt-get >/dev/null || die "apt-get not found: this script is for Raspberry Pi OS / Debian"
    os_check
  else
    say "architecture: $arch$([ "$arch" = "$TARGET_ARCH" ] || echo " (not $TARGET_ARCH: a real install would be refused)")"
  fi

  [[ "$EXECUTOR" == tf || "$EXECUTOR" == java ]] || die "--executor '$EXECUTOR' is not valid: use tf or java"
  case "$MOSQUITTO" in ""|dev|lan|production) ;; *) die "--mosquitto '$MOSQUITTO' is not valid: use dev, lan or production" ;; esac
  if [ -z "$NODE_ID" ]; then
    NODE_ID="$(host_name | tr -c 'A-Za-z0-9._\n-' '-')"
    NODE_ID="${NODE_ID:0:128}"
  fi
  [[ "$NODE_ID" =~ ^[A-Za-z0-9._-]{1,128}$ ]] || die "--node-id '$NODE_ID' is not valid: 1-128 of A-Z a-z 0-9 . _ -"
  BROKER_HOST="${BROKER%:*}"
  BROKER_PORT="1883"
  [[ "$BROKER" == *:* ]] && BROKER_PORT="${BROKER##*:}"
  [[ -n "$BROKER_HOST" && "$BROKER_HOST" =~ ^[A-Za-z0-9._-]+$ ]] || die "--broker '$BROKER': the host must be a name or IPv4 address"
  if ! [[ "$BROKER_PORT" =~ ^[0-9]{1,5}$ ]] || [ "$BROKER_PORT" -lt 1 ] || [ "$BROKER_PORT" -gt 65535 ]; then
    die "--broker '$BROKER': the port must be 1..65535"
  fi
  [[ "$MODELS" =~ ^[^[:space:]]*$ ]] || die "--models '$MODELS': no spaces; separate entries with commas"
  if $COORDINATOR && [ -z "$MODELS" ]; then die "--coordinator needs --models (the models it serves)"; fi
  TRUST_FILES=()
  TRUSTED_PATHS=""
  local key
  if [ -n "$TRUST" ]; then
    IFS=, read -r -a TRUST_FILES <<<"$TRUST"
    for key in "${TRUST_FILES[@]}"; do
      [ -f "$key" ] || die "--trust '$key': no such file"
      grep -q -- "-----BEGIN PUBLIC KEY-----" "$key" || die "--trust '$key' is not a PEM public key (edgefuse keys generate writes one)"
      [[ "${key##*/}" =~ ^[A-Za-z0-9._-]+$ ]] || die "--trust '$key': the file name may hold only A-Z a-z 0-9 . _ -"
      TRUSTED_PATHS="${TRUSTED_PATHS:+$TRUSTED_PATHS,}$TRUSTED_KEYS/${key##*/}"
    done
  fi

  [ -n "$DIST" ] || DIST="$HERE/dist"
  compgen -G "$DIST/lib/edgefuse-runtime*.jar" >/dev/null || die "no distribution in '$DIST' (lib/edgefuse-runtime*.jar missing): build the gateway package with
  mvn -B -Praspberry-pi package   (docs/gateway.md), or pass --dist DIR"
  compgen -G "$DIST/bundles/*.jar" >/dev/null || die "no bundles in '$DIST/bundles'"
  if ! compgen -G "$DIST/lib/$TF_NATIVE_GLOB" >/dev/null; then
    real && die "the distribution in '$DIST' has no linux-arm64 TensorFlow native library ($TF_NATIVE_GLOB):
  build the gateway package with mvn -B -Praspberry-pi package (docs/gateway.md)"
    warn "no linux-arm64 TensorFlow native jar in $DIST/lib: a real install would be refused"
  fi
  UNIT_SRC="$(first_existing "$HERE/systemd/$SERVICE")" || die "$SERVICE not found next to this script"
  BROKER_CONFIG="$(first_existing "$HERE/broker-config" "$HERE/../broker-config")" || die "broker-config/ not found next to this script"
  CONF_EXAMPLES="$(first_existing "$HERE/conf-examples" "$HERE/../osgi/src/dist/conf")" || die "conf-examples/ not found next to this script"
  CLI_SRC="$(first_existing "$HERE/edgefuse-cli")" || die "edgefuse-cli not found next to this script"
  DOC_SRC="$(first_existing "$HERE/gateway.md" "$HERE/../docs/gateway.md")" || die "gateway.md not found next to this script"
}

check_uninstall_args() {
  if real; then
    [ "$(id -u)" -eq 0 ] || die "run as root (sudo ./install.sh --uninstall), or try it with --root DIR / --dry-run"
  fi
  [ -f "$ROOT$MANIFEST" ] || die "nothing to uninstall: $ROOT$MANIFEST not found"
}

os_check() {
  local id="" codename=""
  if [ -r /etc/os-release ]; then
    id="$(sed -n 's/^ID=//p' /etc/os-release | tr -d '"')"
    codename="$(sed -n 's/^VERSION_CODENAME=//p' /etc/os-release | tr -d '"')"
  fi
  [[ "$id" == debian || "$id" == raspbian ]] || warn "this is '$id', not Raspberry Pi OS / Debian: continuing"
  [ "$codename" = bookworm ] || warn "this is Debian '$codename', not bookworm (the release the script was written for): continuing"
}

host_name() {
  if [ -r "$ROOT/etc/hostname" ]; then head -n1 "$ROOT/etc/hostname"; else hostname; fi
}

first_existing() {
  local p
  for p in "$@"; do [ -e "$p" ] && { echo "$p"; return 0; }; done
  return 1
}

# ---- actions: each one honours --root and --dry-run and records what it made -------------------------
ENTRIES=()
record() {
  local entry
  # Whatever lies inside a tree goes with it: recording it too would only add noise to the manifest.
  if [ "$1" != tree ]; then
    for entry in ${ENTRIES[@]+"${ENTRIES[@]}"}; do
      [[ "$entry" == "tree "* && "$2" == "${entry#tree }/"* ]] && return 0
    done
  fi
  ENTRIES+=("$1 $2")
}

# System commands (apt-get, systemctl, useradd, chown) run only in a real run.
run() {
  local shown
  shown="$(printf '%q ' "$@")"
  if $DRY_RUN; then
    say "would run: ${shown% }"
  elif [ -n "$ROOT" ]; then
    say "skipped (--root): ${shown% }"
  else
    "$@"
  fi
}

# Creates a folder (and its missing parents); records each folder it created. kind "tree" means the
# folder and everything that ever gets into it are ours (uninstall removes it whole); "dir" means
# only the folder (uninstall removes it if empty).
make_dir() {
  local kind="$1" path="$2" mode="$3"
  local parent
  parent="$(dirname "$path")"
  [ "$parent" = / ] || [ -d "$ROOT$parent" ] || make_dir dir "$parent" 755
  if [ -d "$ROOT$path" ]; then
    return 0
  fi
  if $DRY_RUN; then
    say "would create $ROOT$path/"
  else
    mkdir -m "$mode" "$ROOT$path"
  fi
  record "$kind" "$path"
}

# Copies a file (replacing an older copy of it).
put_file() {
  local src="$1" dst="$2" mode="$3"
  if $DRY_RUN; then
    say "would install $ROOT$dst (from $src)"
  else
    install -m "$mode" "$src" "$ROOT$dst"
  fi
  record file "$dst"
}

# Writes stdin to a file, unless the file exists and keep=keep (operator-edited configuration).
write_file() {
  local dst="$1" mode="$2" keep="${3:-}"
  if [ "$keep" = keep ] && [ -e "$ROOT$dst" ]; then
    cat >/dev/null
    say "kept $ROOT$dst (it exists; edit it to change it)"
    record file "$dst"
    return 0
  fi
  if $DRY_RUN; then
    say "would write $ROOT$dst:"
    sed 's/^/    /'
  else
    local tmp
    tmp="$(mktemp "$ROOT$dst.XXXXXX")"
    cat >"$tmp"
    chmod "$mode" "$tmp"
    mv -f "$tmp" "$ROOT$dst"
  fi
  record file "$dst"
}

# Makes a folder's jars those of the distribution: jars the distribution no longer has go, jars that
# are already there unchanged are not written again (on a Pi that spares the SD card 280 MB per upgrade).
# Unchanged means same size and modification time, as rsync decides: copies keep the time (install -p).
copy_jars() {
  local from="$1" to="$2"
  if $DRY_RUN; then
    say "would copy $(find "$from" -maxdepth 1 -name '*.jar' | wc -l) jars from $from to $ROOT$to/"
    return 0
  fi
  # One stat per folder, not per jar: on a busy Pi every process start counts.
  local -A have=()
  local line jar name kept=0 changed=()
  while IFS= read -r line; do
    [ -n "$line" ] && have["${line%% *}"]="${line#* }"
  done < <(cd "$ROOT$to" && find . -maxdepth 1 -name '*.jar' -printf '%f %s.%T@\n')
  while IFS= read -r line; do
    name="${line%% *}"
    if [ "${have[$name]:-}" = "${line#* }" ]; then
      kept=$((kept + 1))
    else
      changed+=("$name")
    fi
    unset 'have[$name]'
  done < <(cd "$from" && find . -maxdepth 1 -name '*.jar' -printf '%f %s.%T@\n')
  for jar in "${!have[@]}"; do rm -f -- "$ROOT$to/$jar"; done
  if [ ${#changed[@]} -gt 0 ]; then
    (cd "$from" && cp -p -- "${changed[@]}" "$ROOT$to/")
    (cd "$ROOT$to" && chmod 644 -- "${changed[@]}")
  fi
  say "$ROOT$to: ${#changed[@]} jars written, $kept unchanged"
}

package_installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }

apt_install() {
  local pkg="$1"
  if real && package_installed "$pkg"; then
    say "$pkg is already installed"
    return 0
  fi
  run env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$pkg"
  record package "$pkg"
}

# Loads what an earlier install recorded, so an upgrade still removes everything on uninstall.
load_manifest() {
  [ -f "$ROOT$MANIFEST" ] || return 0
  local line
  while IFS= read -r line; do
    [[ -z "$line" || "$line" == \#* ]] || ENTRIES+=("$line")
  done <"$ROOT$MANIFEST"
}

save_manifest() {
  $DRY_RUN && return 0
  [ -d "$ROOT$OPT" ] || return 0
  {
    echo "# Written by the EdgeFuse gateway install; install.sh --uninstall removes what is listed here."
    printf '%s\n' "${ENTRIES[@]}" | awk '!seen[$0]++'
  } >"$ROOT$MANIFEST.tmp"
  mv -f "$ROOT$MANIFEST.tmp" "$ROOT$MANIFEST"
}

# ---- install ------------------------------------------------------------------------------------------
install_gateway() {
  check_install_args
  say "installing the EdgeFuse gateway${ROOT:+ below $ROOT}$($DRY_RUN && echo " (dry run: nothing is changed)")"
  say "node id $NODE_ID, broker $BROKER_HOST:$BROKER_PORT, executor $EXECUTOR, distribution $DIST"
  load_manifest
  # Written on every exit after this point, so a failed install can still be uninstalled.
  trap save_manifest EXIT

  run apt-get update -q
  apt_install "$JAVA_PACKAGE"

  if real && id -u "$SERVICE_USER" >/dev/null 2>&1; then
    say "system user $SERVICE_USER exists"
  else
    run useradd --system --user-group --home-dir "$STATE" --no-create-home --shell /usr/sbin/nologin \
      --comment "EdgeFuse gateway" "$SERVICE_USER"
    record user "$SERVICE_USER"
  fi

  # /opt/edgefuse: the distribution, read-only for the service.
  make_dir tree "$OPT" 755
  make_dir dir "$OPT/lib" 755
  make_dir dir "$OPT/bundles" 755
  make_dir dir "$OPT/interactive" 755
  make_dir dir "$OPT/bin" 755
  copy_jars "$DIST/lib" "$OPT/lib"
  copy_jars "$DIST/bundles" "$OPT/bundles"
  if [ -d "$DIST/interactive" ]; then copy_jars "$DIST/interactive" "$OPT/interactive"; fi
  put_file "$CLI_SRC" "$OPT/bin/edgefuse" 755
  put_file "$HERE/install.sh" "$OPT/install.sh" 755
  put_file "$HERE/uninstall.sh" "$OPT/uninstall.sh" 755
  put_file "$DOC_SRC" "$OPT/gateway.md" 644
  make_dir dir "$(dirname "$CLI_LINK")" 755
  if $DRY_RUN; then say "would link $ROOT$CLI_LINK -> $OPT/bin/edgefuse"; else ln -sfn "$OPT/bin/edgefuse" "$ROOT$CLI_LINK"; fi
  record file "$CLI_LINK"

  # /etc/edgefuse: configuration, owned by root and only readable by the service (it holds the broker
  # address and, later, credentials); the public keys updates must be signed with, which the service
  # can read but not replace.
  make_dir tree "$ETC" 750
  make_dir dir "$TRUSTED_KEYS" 750
  local key
  for key in ${TRUST_FILES[@]+"${TRUST_FILES[@]}"}; do
    put_file "$key" "$TRUSTED_KEYS/${key##*/}" 644
  done
  write_node_cfg
  if $COORDINATOR; then write_coordinator_cfg; fi
  local example
  for example in "$CONF_EXAMPLES"/*.cfg.example; do
    put_file "$example" "$ETC/$(basename "$example")" 644
  done
  # Group edgefuse on everything in it, the .cfg files (640) included: the service runs as edgefuse.
  run chown -R root:"$SERVICE_USER" "$ETC"

  # /var/lib/edgefuse: models and updates the service writes; /var/cache/edgefuse: the Felix bundle
  # cache and TensorFlow's unpacked native library (~680 MB, unpacked once).
  make_dir tree "$STATE" 750
  make_dir dir "$STATE/models" 750
  make_dir dir "$STATE/ota" 750
  make_dir tree "$CACHE" 750
  run chown -R "$SERVICE_USER:$SERVICE_USER" "$STATE" "$CACHE"

  make_dir dir "$(dirname "$DEFAULTS")" 755
  write_file "$DEFAULTS" 644 keep <<'EOF'
# JVM options for edgefuse.service, read at every start (sudo systemctl restart edgefuse).
# The heap holds tile tensors: at most (workers + queue.capacity) x max.message.bytes of task payloads.
# TensorFlow's own memory is outside the heap, so leave it at least half of the RAM.
EDGEFUSE_JAVA_OPTS="-XX:MaxRAMPercentage=40 -XX:+ExitOnOutOfMemoryError"
# Level of EdgeFuse's own logs in the journal (other libraries log warnings and errors only).
#EDGEFUSE_LOG_LEVEL=DEBUG
EOF

  make_dir dir "$(dirname "$UNIT")" 755
  put_file "$UNIT_SRC" "$UNIT" 644
  record unit "$SERVICE"

  if [ -n "$MOSQUITTO" ]; then install_mosquitto; fi

  run systemctl daemon-reload
  run systemctl enable "$SERVICE"
  if $START; then
    run systemctl restart "$SERVICE"
    if real; then say "started: follow it with journalctl -u edgefuse -f"; fi
  else
    say "not started (--no-start): sudo systemctl start edgefuse"
  fi
  save_manifest
  trap - EXIT
  say "done$($DRY_RUN && echo " (dry run: nothing was changed)")"
}

# A kept .cfg does not learn about keys given now: say so rather than leave updates failing later.
warn_kept_trust() {
  if [ -n "$TRUSTED_PATHS" ] && [ -e "$ROOT$1" ]; then
    warn "$1 is kept as it is: list the keys in its ota.trusted.keys ($TRUSTED_PATHS)"
  fi
}

write_node_cfg() {
  warn_kept_trust "$ETC/io.edgefuse.node.cfg"
  {
    cat <<EOF
# This gateway's worker node (written by the EdgeFuse install; keep it, edit it: the node restarts
# within 2 s of a change). FileInstall turns io.edgefuse.node.cfg into the configuration of the node
# component; every key: docs/node.md, docs/gateway.md.
node.id = $NODE_ID
broker.host = $BROKER_HOST
broker.port = $BROKER_PORT
topic.root = edgefuse/v1
# tf (TensorFlow) or java (reference executor, slow, exact)
executor = $EXECUTOR
# measure capacity at start (about a second on tf)
probe = true
# Over-the-air updates: where artifacts are staged and the models received are kept, and the public
# keys (PEM files in $TRUSTED_KEYS, comma-separated) they must be signed with. No key: no updates.
ota.staging.dir = $STATE/ota
EOF
    if [ -n "$TRUSTED_PATHS" ]; then
      echo "ota.trusted.keys = $TRUSTED_PATHS"
    else
      echo "#ota.trusted.keys = $TRUSTED_KEYS/edgefuse-ota.pub"
    fi
    if [ -n "$MODELS" ]; then
      echo "# comma-separated model folders or zoo names loaded at start"
      echo "models = $MODELS"
    fi
  } | write_file "$ETC/io.edgefuse.node.cfg" 640 keep
}

write_coordinator_cfg() {
  warn_kept_trust "$ETC/io.edgefuse.coordinator.cfg"
  {
    cat <<EOF
# The coordinator on this gateway (written by the EdgeFuse install). Keys: docs/osgi.md.
broker.host = $BROKER_HOST
broker.port = $BROKER_PORT
topic.root = edgefuse/v1
# comma-separated zoo names or model folders; the nodes must hold the same versions
models = $MODELS
planner = edgefuse
link = eth1g
EOF
    if [ -n "$TRUSTED_PATHS" ]; then
      echo "# new model versions published over the air must be signed with one of these keys"
      echo "ota.trusted.keys = $TRUSTED_PATHS"
    fi
  } | write_file "$ETC/io.edgefuse.coordinator.cfg" 640 keep
}

install_mosquitto() {
  apt_install mosquitto
  make_dir dir /etc/mosquitto 755
  make_dir dir "$(dirname "$MOSQUITTO_CONF")" 755
  put_file "$BROKER_CONFIG/mosquitto-$MOSQUITTO.conf" "$MOSQUITTO_CONF" 644
  record mosquitto restart
  local missing=()
  if [ "$MOSQUITTO" = production ]; then
    put_file "$BROKER_CONFIG/edgefuse.acl" "$MOSQUITTO_ACL" 644
    local f
    while read -r f; do
      [ -e "$ROOT$f" ] || missing+=("$f")
    done < <(awk '$1 ~ /^(cafile|certfile|keyfile|password_file)$/ {print $2}' "$BROKER_CONFIG/mosquitto-production.conf")
  fi
  if [ ${#missing[@]} -gt 0 ]; then
    warn "Mosquitto is configured but not restarted: create ${missing[*]} first (docs/gateway.md), then
  sudo systemctl restart mosquitto"
    run systemctl enable mosquitto.service
  else
    run systemctl enable mosquitto.service
    run systemctl restart mosquitto.service
  fi
}

# ---- uninstall ----------------------------------------------------------------------------------------
remove_path() {
  local what="$1" path="$2"
  # A damaged manifest must not make this delete anything an install does not make.
  case "$what" in
    tree) [[ "$path" == "$OPT" || "$path" == "$ETC" || "$path" == "$STATE" || "$path" == "$CACHE" ]] ;;
    *) [[ "$path" =~ ^/(opt|etc|var|usr)(/[^[:space:]]*)?$ && "$path" != *..* ]] ;;
  esac || { warn "not removing '$path': not a path an install makes"; return 0; }
  [ -e "$ROOT$path" ] || [ -L "$ROOT$path" ] || return 0
  if $DRY_RUN; then say "would remove $ROOT$path$([ "$what" = tree ] && echo "/ and everything in it")"; return 0; fi
  case "$what" in
    tree) rm -rf -- "$ROOT$path" ;;
    file) rm -f -- "$ROOT$path" ;;
    dir) rmdir -- "$ROOT$path" 2>/dev/null || say "kept $ROOT$path (not empty)" ;;
  esac
}

uninstall_gateway() {
  check_uninstall_args
  say "uninstalling the EdgeFuse gateway${ROOT:+ below $ROOT}$($DRY_RUN && echo " (dry run: nothing is changed)")"
  load_manifest
  local entry kind value restart_mosquitto=false
  local units=() files=() trees=() dirs=() users=() packages=()
  for entry in "${ENTRIES[@]}"; do
    kind="${entry%% *}"; value="${entry#* }"
    case "$kind" in
      unit) units+=("$value") ;;
      file) files+=("$value") ;;
      tree) trees+=("$value") ;;
      dir) dirs+=("$value") ;;
      user) users+=("$value") ;;
      package) packages+=("$value") ;;
      mosquitto) restart_mosquitto=true ;;
      *) warn "manifest entry '$entry' not understood: left alone" ;;
    esac
  done

  for value in ${units[@]+"${units[@]}"}; do
    run systemctl disable --now "$value"
  done
  for value in ${files[@]+"${files[@]}"}; do remove_path file "$value"; done
  for value in ${trees[@]+"${trees[@]}"}; do remove_path tree "$value"; done
  # Deepest folders first, so a parent is empty when its turn comes.
  while IFS= read -r value; do
    [ -n "$value" ] && remove_path dir "$value"
  done < <(printf '%s\n' ${dirs[@]+"${dirs[@]}"} | awk '{ print length($0) "\t" $0 }' | sort -rn | cut -f2-)
  [ ${#units[@]} -eq 0 ] || run systemctl daemon-reload
  if $restart_mosquitto; then run systemctl try-restart mosquitto.service; fi
  for value in ${users[@]+"${users[@]}"}; do run userdel "$value"; done
  if [ ${#packages[@]} -gt 0 ]; then
    # Marked, not removed: other software may have come to depend on them since.
    run apt-mark auto "${packages[@]}"
    real && say "${packages[*]} marked as automatically installed: sudo apt-get autoremove removes them if nothing else needs them"
  fi
  say "done$($DRY_RUN && echo " (dry run: nothing was changed)")"
}

main() {
  parse_args "$@"
  if [ -n "$ROOT" ]; then
    [ -d "$ROOT" ] || die "--root '$ROOT' is not a folder"
    ROOT="$(cd "$ROOT" && pwd)"
    [ "$ROOT" != / ] || die "--root / would be a real install: leave out --root"
  fi
  if $UNINSTALL; then uninstall_gateway; else install_gateway; fi
}

# Everything runs from main, parsed whole before it starts: uninstall deletes this very file.
main "$@"
exit $?

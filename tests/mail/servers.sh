#!/usr/bin/env bash
# Real mail servers on loopback for ppdesk's end-to-end tests.
#
#   servers.sh install          install dovecot-imapd, dovecot-lmtpd, opensmtpd (idempotent)
#   servers.sh start DIR        start private Dovecot (IMAP + LMTP) and OpenSMTPD (relay -> LMTP)
#   servers.sh stop DIR         stop both (idempotent; DIR is left for inspection)
#   servers.sh stop-smtp DIR    stop only the relay
#   servers.sh start-smtp DIR   restart only the relay, on the same port and spool
#
# DIR must be a short, fresh (or empty) folder, e.g. "$(mktemp -d /tmp/ppm.XXXX)":
# unix socket paths inside it must stay under ~100 bytes. After `start`, DIR/env holds
# KEY=VALUE lines (see README.md). Needs root (OpenSMTPD runs in a private mount namespace).
set -euo pipefail

readonly PACKAGES=(dovecot-imapd dovecot-lmtpd opensmtpd)
readonly MAIL_USER=vmail
readonly PASSWORD=secret
readonly USERS=(
    helpdesk@ppdesk.test
    tech@ppdesk.test
    mario.rossi@acme.test
    anna.bianchi@acme.test
    eve@example.test
)
readonly DOMAINS=(ppdesk.test acme.test example.test)
readonly READY_TIMEOUT=20
readonly STOP_TIMEOUT=10

die() {
    echo "servers.sh: $*" >&2
    exit 1
}

need_root() {
    [[ $(id -u) -eq 0 ]] || die "must run as root"
}

# ---------------------------------------------------------------- install

# True if PID is a live process. A zombie counts as gone: daemons end up as children of
# PID 1, which may reap them late (or never, without an init system).
running() {
    local state
    kill -0 "$1" 2>/dev/null || return 1
    state=$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$1/status" 2>/dev/null || true)
    [[ -n $state && $state != Z && $state != X ]]
}

# Prints the pid in FILE if that process is alive and is one of ours (its executable is
# dovecot or smtpd, or unshare/sh in the instant before smtpd is exec'd): a stale pid
# file whose pid was reused by another program is ignored.
live_pid() {
    local file=$1 pid exe
    [[ -s $file ]] || return 1
    pid=$(tr -dc '0-9' <"$file")
    [[ -n $pid ]] || return 1
    running "$pid" || return 1
    exe=$(readlink "/proc/$pid/exe" 2>/dev/null || true)
    case ${exe##*/} in
        dovecot | smtpd | unshare | sh | dash | bash) echo "$pid" ;;
        *) return 1 ;;
    esac
}

# True while any of the given pids runs.
any_running() {
    local p
    for p in "$@"; do
        running "$p" && return 0
    done
    return 1
}

# Stops the daemon whose pid is in FILE (if alive) and its child processes (which may
# hold its ports and sockets a moment longer): SIGTERM, wait, then SIGKILL.
stop_pidfile() {
    local file=$1 pid i pids
    pid=$(live_pid "$file") || return 0
    # shellcheck disable=SC2207 # pids are plain numbers
    pids=("$pid" $(ps -o pid= --ppid "$pid" 2>/dev/null || true))
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < STOP_TIMEOUT * 20; i++)); do
        any_running "${pids[@]}" || return 0
        sleep 0.05
    done
    echo "servers.sh: ${pids[*]} ($file) still running after SIGTERM, sending SIGKILL" >&2
    kill -KILL "${pids[@]}" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do
        any_running "${pids[@]}" || return 0
        sleep 0.05
    done
    die "${pids[*]} ($file) did not exit"
}

# Stops system-wide daemons that a package install may have started on standard ports.
stop_system_daemons() {
    # Dovecot's master pid file; OpenSMTPD's init script writes /run/smtpd.pid (and its
    # own stop goes by that pid file too, via start-stop-daemon).
    stop_pidfile /run/dovecot/master.pid
    stop_pidfile /var/run/dovecot/master.pid
    stop_pidfile /run/smtpd.pid
    if [[ -x /etc/init.d/opensmtpd ]] && /etc/init.d/opensmtpd status >/dev/null 2>&1; then
        /etc/init.d/opensmtpd stop >/dev/null 2>&1 || true
    fi
}

cmd_install() {
    need_root
    local missing=() pkg
    for pkg in "${PACKAGES[@]}"; do
        if [[ $(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true) != "install ok installed" ]]; then
            missing+=("$pkg")
        fi
    done
    if ((${#missing[@]})); then
        echo "servers.sh: installing ${missing[*]}" >&2
        export DEBIAN_FRONTEND=noninteractive
        # Keep (or put) a policy-rc.d that forbids starting services during the install.
        local policy=/usr/sbin/policy-rc.d backup=""
        if [[ -e $policy ]]; then
            backup=$(mktemp /usr/sbin/.policy-rc.d.XXXXXX)
            cp -p "$policy" "$backup"
        fi
        # shellcheck disable=SC2064 # expand now: restore exactly what was there
        trap "if [[ -n '$backup' ]]; then mv -f '$backup' '$policy'; else rm -f '$policy'; fi" EXIT
        printf '#!/bin/sh\nexit 101\n' >"$policy"
        chmod 0755 "$policy"
        # Update the package lists once when they don't know a package or are stale
        # (a failing download of a superseded version), then install.
        local candidates
        candidates=$(apt-cache policy "${missing[@]}" 2>/dev/null | grep -c 'Candidate: [0-9]' || true)
        if [[ $candidates -lt ${#missing[@]} ]]; then
            apt-get update -q
            apt-get install -y -q --no-install-recommends "${missing[@]}"
        elif ! apt-get install -y -q --no-install-recommends "${missing[@]}"; then
            apt-get update -q
            apt-get install -y -q --no-install-recommends "${missing[@]}"
        fi
        if [[ -n $backup ]]; then mv -f "$backup" "$policy"; else rm -f "$policy"; fi
        trap - EXIT
    fi
    if ! id -u "$MAIL_USER" >/dev/null 2>&1; then
        useradd --system --user-group --no-create-home --home-dir /nonexistent \
            --shell /usr/sbin/nologin "$MAIL_USER"
    fi
    stop_system_daemons
    echo "servers.sh: installed: $(dovecot --version 2>/dev/null | head -n1) /" \
        "$(dpkg-query -W -f='opensmtpd ${Version}' opensmtpd)" >&2
}

# ---------------------------------------------------------------- start

# Prints N distinct free TCP ports on 127.0.0.1.
free_ports() {
    local n=$1
    if command -v python3 >/dev/null 2>&1; then
        python3 - "$n" <<'PY'
import socket, sys
socks = []
for _ in range(int(sys.argv[1])):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    socks.append(s)
print(" ".join(str(s.getsockname()[1]) for s in socks))
PY
        return
    fi
    local ports=() p
    while ((${#ports[@]} < n)); do
        p=$((20000 + RANDOM % 40000))
        [[ " ${ports[*]} " == *" $p "* ]] && continue
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then ports+=("$p"); fi
    done
    echo "${ports[*]}"
}

port_open() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Waits until every given port accepts connections; on timeout, or when a daemon of DIR
# has died, dumps the logs and fails.
wait_ports() {
    local dir=$1 deadline port f
    shift
    deadline=$((SECONDS + READY_TIMEOUT))
    for port in "$@"; do
        until port_open "$port"; do
            if ((SECONDS >= deadline)); then
                echo "servers.sh: port $port not ready after ${READY_TIMEOUT}s" >&2
                dump_logs "$dir"
                return 1
            fi
            for f in "$dir/run/master.pid" "$dir/smtpd.pid"; do
                if [[ -e $f ]] && ! live_pid "$f" >/dev/null; then
                    echo "servers.sh: daemon of $f exited before port $port was ready" >&2
                    dump_logs "$dir"
                    return 1
                fi
            done
            sleep 0.05
        done
    done
}

dump_logs() {
    local dir=$1 f
    for f in "$dir/dovecot.out" "$dir/dovecot.log" "$dir/smtpd.log"; do
        [[ -e $f ]] || continue
        echo "----- $f (last 60 lines)" >&2
        tail -n 60 "$f" >&2
    done
}

abs_dir() {
    [[ -n ${1:-} ]] || die "missing DIR argument"
    [[ -d $1 ]] || die "no such directory: $1"
    (cd "$1" && pwd -P)
}

write_dovecot_conf() {
    local dir=$1 imap_port=$2 lmtp_port=$3
    cat >"$dir/dovecot.conf" <<EOF
# Private Dovecot for ppdesk tests (generated by tests/mail/servers.sh).
protocols = imap lmtp
listen = 127.0.0.1
base_dir = $dir/run
state_dir = $dir/state
instance_name = ppm-$imap_port
log_path = $dir/dovecot.log
info_log_path = $dir/dovecot.log
debug_log_path = $dir/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:$dir/mail/%d/%n/Maildir
mail_uid = $MAIL_USER
mail_gid = $MAIL_USER
first_valid_uid = 1
lmtp_save_to_detail_mailbox = no
# Keep LMTP-injected messages as close to byte-exact as Dovecot allows: only its
# Return-Path line is prepended (no Received, no Delivered-To).
lmtp_add_received_header = no
lmtp_hdr_delivery_address = none
recipient_delimiter =

passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%Lu $dir/users
}
userdb {
  driver = passwd-file
  args = username_format=%Lu $dir/users
  default_fields = uid=$MAIL_USER gid=$MAIL_USER home=$dir/mail/%d/%n
}

namespace inbox {
  inbox = yes
  mailbox Processed {
    auto = subscribe
  }
  mailbox Quarantine {
    auto = subscribe
  }
  mailbox Sent {
    auto = subscribe
    special_use = \\Sent
  }
}

service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $imap_port
  }
  inet_listener imaps {
    port = 0
  }
}
service lmtp {
  inet_listener lmtp {
    address = 127.0.0.1
    port = $lmtp_port
  }
}
EOF
}

write_smtpd_conf() {
    local dir=$1 smtp_port=$2 lmtp_port=$3 d
    # All test users are delivered as the one system user $MAIL_USER (LMTP gets the
    # original recipient); only known users are accepted, others are refused at RCPT:
    # OpenSMTPD's mail.lmtp would turn Dovecot's 550 into a temporary failure and retry.
    : >"$dir/virtuals"
    for d in "${DOMAINS[@]}"; do
        echo "@$d $MAIL_USER" >>"$dir/virtuals"
    done
    printf '%s\n' "${USERS[@]}" >"$dir/recipients"
    cat >"$dir/smtpd.conf" <<EOF
# Private OpenSMTPD relay for ppdesk tests (generated by tests/mail/servers.sh).
# Plain SMTP only: OpenSMTPD 6.8 on bookworm fails STARTTLS with OpenSSL 3.
table virtuals file:$dir/virtuals
table recipients file:$dir/recipients
listen on 127.0.0.1 port $smtp_port hostname relay.ppdesk.test
action "lmtp" lmtp "127.0.0.1:$lmtp_port" rcpt-to virtual <virtuals>
match from local for domain { $(printf '"%s", ' "${DOMAINS[@]}" | sed 's/, $//') } rcpt-to <recipients> action "lmtp"
EOF
}

# Starts smtpd in a private mount namespace: DIR/spool over /var/spool/smtpd and
# DIR/smtprun over /run (control socket /run/smtpd.sock). The recorded pid is smtpd's own.
launch_smtpd() {
    local dir=$1
    mkdir -p "$dir/spool" "$dir/smtprun"
    chown root:root "$dir/spool"
    chmod 0711 "$dir/spool"
    [[ -d /var/spool/smtpd ]] || mkdir -p /var/spool/smtpd
    # shellcheck disable=SC2016 # $1 is expanded by the inner shell
    unshare --mount --propagation private sh -c '
        set -e
        mount --bind "$1/spool" /var/spool/smtpd
        mount --bind "$1/smtprun" /run
        exec smtpd -d -f "$1/smtpd.conf"
    ' sh "$dir" >>"$dir/smtpd.log" 2>&1 </dev/null &
    echo $! >"$dir/smtpd.pid"
}

cmd_start() {
    need_root
    local dir
    dir=$(abs_dir "${1:-}")
    [[ ! -e $dir/env ]] || die "$dir already used (has env); give a fresh folder"
    command -v dovecot >/dev/null && command -v smtpd >/dev/null ||
        die "dovecot/smtpd not installed: run '$0 install'"
    id -u "$MAIL_USER" >/dev/null 2>&1 || die "user $MAIL_USER missing: run '$0 install'"
    ((${#dir} <= 60)) || die "DIR path too long for unix sockets: $dir"

    local imap_port lmtp_port smtp_port
    read -r imap_port lmtp_port smtp_port < <(free_ports 3)

    chmod 0755 "$dir" # dovecot's unprivileged processes must traverse it
    mkdir -p "$dir/mail" "$dir/state"
    chown "$MAIL_USER:$MAIL_USER" "$dir/mail"
    local u
    : >"$dir/users"
    for u in "${USERS[@]}"; do
        echo "$u:$PASSWORD::::::" >>"$dir/users"
    done
    chmod 0644 "$dir/users"
    write_dovecot_conf "$dir" "$imap_port" "$lmtp_port"
    write_smtpd_conf "$dir" "$smtp_port" "$lmtp_port"

    cat >"$dir/env" <<EOF
IMAP_HOST=127.0.0.1
IMAP_PORT=$imap_port
LMTP_PORT=$lmtp_port
SMTP_PORT=$smtp_port
MAIL_DIR=$dir/mail
PASSWORD=$PASSWORD
DOVECOT_PID_FILE=$dir/run/master.pid
SMTPD_PID_FILE=$dir/smtpd.pid
DOVECOT_LOG=$dir/dovecot.log
SMTPD_LOG=$dir/smtpd.log
EOF

    # No inherited stdio: a caller reading our output through a pipe would otherwise wait
    # for the daemons' copies of it to close.
    dovecot -c "$dir/dovecot.conf" </dev/null >>"$dir/dovecot.out" 2>&1 || {
        dump_logs "$dir"
        die "dovecot failed to start"
    }
    launch_smtpd "$dir"
    if ! wait_ports "$dir" "$imap_port" "$lmtp_port" "$smtp_port"; then
        cmd_stop "$dir" || true
        die "servers did not come up"
    fi
    echo "servers.sh: up in $dir: IMAP $imap_port, LMTP $lmtp_port, SMTP $smtp_port" >&2
}

env_value() {
    local dir=$1 key=$2
    sed -n "s/^$key=//p" "$dir/env"
}

cmd_stop_smtp() {
    need_root
    local dir
    dir=$(abs_dir "${1:-}")
    stop_pidfile "$dir/smtpd.pid"
    rm -f "$dir/smtpd.pid"
}

cmd_start_smtp() {
    need_root
    local dir pid port
    dir=$(abs_dir "${1:-}")
    [[ -e $dir/env ]] || die "$dir was not started"
    if pid=$(live_pid "$dir/smtpd.pid"); then
        echo "servers.sh: smtpd already running (pid $pid)" >&2
        return 0
    fi
    port=$(env_value "$dir" SMTP_PORT)
    launch_smtpd "$dir"
    if ! wait_ports "$dir" "$port"; then
        stop_pidfile "$dir/smtpd.pid"
        die "smtpd did not come back"
    fi
}

cmd_stop() {
    need_root
    local dir
    dir=$(abs_dir "${1:-}")
    stop_pidfile "$dir/smtpd.pid"
    rm -f "$dir/smtpd.pid"
    stop_pidfile "$dir/run/master.pid"
}

main() {
    local cmd=${1:-}
    shift || true
    case $cmd in
        install) cmd_install ;;
        start) cmd_start "$@" ;;
        stop) cmd_stop "$@" ;;
        stop-smtp) cmd_stop_smtp "$@" ;;
        start-smtp) cmd_start_smtp "$@" ;;
        *)
            sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//' >&2
            exit 2
            ;;
    esac
}

main "$@"

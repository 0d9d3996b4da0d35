#!/bin/sh
# Run "$@" inside a D-Bus session of its own with gnome-keyring-daemon unlocked, as keyring-rs's CI does:
# a real Secret Service for the keyring tests (make keyring-test). The daemon's keyrings live in a temp
# directory (never the real home), removed afterwards; the password is a throwaway (an empty one makes
# gnome-keyring ask a prompter that cannot show without a display).
set -eu
if [ -z "${OPENROUTER_PKCE_IN_KEYRING_SESSION:-}" ]; then
    exec env OPENROUTER_PKCE_IN_KEYRING_SESSION=1 dbus-run-session -- "$0" "$@"
fi
home=$(mktemp -d)
daemon_pid=
trap '[ -n "$daemon_pid" ] && kill "$daemon_pid" 2>/dev/null; rm -rf "$home"' EXIT
printf 'openrouter-pkce-test' | HOME="$home" XDG_DATA_HOME="$home/data" XDG_RUNTIME_DIR="$home" \
    gnome-keyring-daemon --unlock --components=secrets --daemonize >"$home/daemon.env"
daemon_pid=$(sed -n 's/^GNOME_KEYRING_PID=//p' "$home/daemon.env")
# --daemonize returns before the daemon owns org.freedesktop.secrets on the bus; asking before then makes D-Bus
# start a second, locked daemon (whose password prompt cannot show). Wait for the name (at most 20 s).
i=0
until dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
    org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q 'boolean true'; do
    i=$((i + 1))
    if [ "$i" -gt 100 ]; then echo "keyring session: gnome-keyring-daemon did not take org.freedesktop.secrets" >&2; exit 1; fi
    sleep 0.2
done
# The collection is unlocked and writable before anything runs.
printf probe | secret-tool store --label 'openrouter-pkce probe' service openrouter-pkce-probe account probe
secret-tool clear service openrouter-pkce-probe account probe
"$@"

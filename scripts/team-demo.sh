#!/usr/bin/env bash
# Team mode in one command: a throwaway local PostgreSQL cluster in target/team-demo/ (initdb
# and pg_ctl run as the `postgres` OS user when we are root, as PostgreSQL refuses root), the
# sample cohort made by `vetdesk demo` in a solo directory and moved in by `vetdesk team push` as
# the database's owner (which sets up the schema and group roles as `team init` does), and three
# logins with demo passwords who answer for the sample's reviewer, investigator and compliance
# officer. Prints how each signs in with the CLI, then opens the desktop app signed in as the
# reviewer when there is a display (TEAM_DEMO_APP=0: never). `scripts/team-demo.sh stop` (make
# team-demo-stop) stops the cluster and removes the directory.
#
# The passwords are printed on purpose: this cluster listens on 127.0.0.1 only and holds sample
# data. Never use them for anything else.
set -euo pipefail

cd "$(dirname "$0")/.."
REPO=$PWD
TARGET=${CARGO_TARGET_DIR:-$REPO/target}
ROOT=$REPO/target/team-demo
DATA=$ROOT/pgdata

say() { printf '%s\n' "$*"; }
die() { printf 'team-demo: %s\n' "$*" >&2; exit 2; }

is_root() { [ "$(id -u)" = 0 ]; }

bin_dir() {
    local newest
    newest=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k4 -n | tail -1 || true)
    if [ -n "$newest" ] && [ -x "$newest/initdb" ]; then
        printf '%s\n' "$newest"
    elif command -v pg_config >/dev/null; then
        pg_config --bindir
    else
        die "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin, no pg_config); run scripts/setup.sh"
    fi
}

# A server program, as the postgres OS user when we are root.
server() {
    local program=$1
    shift
    if is_root; then
        runuser -u postgres -- "$(bin_dir)/$program" "$@"
    else
        "$(bin_dir)/$program" "$@"
    fi
}

stop() {
    if [ -f "$DATA/postmaster.pid" ]; then
        server pg_ctl -D "$DATA" -m fast -w stop >/dev/null || true
        say "Stopped the team demo cluster."
    fi
    rm -rf "$ROOT"
}

if [ "${1:-}" = stop ]; then
    stop
    say "Removed $ROOT."
    exit 0
fi

# A fresh start every time: a demo left running from before is stopped and removed first.
stop

say "Building vetdesk and the desktop app…"
# The same build as `make app` (and `make test`), so nothing is compiled twice.
cargo build --quiet --workspace --bins
VETDESK=$TARGET/debug/vetdesk
APP=$TARGET/debug/vetdesk-app

mkdir -p "$ROOT"
chmod 700 "$ROOT"
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
SUPERUSER_PASSWORD=$(openssl rand -hex 16)
OWNER_PASSWORD=owner-demo-password
printf '%s' "$SUPERUSER_PASSWORD" >"$ROOT/pwfile"
if is_root; then
    chown -R postgres: "$ROOT"
fi

say "Starting a throwaway PostgreSQL cluster on 127.0.0.1:$PORT ($DATA)…"
server initdb -D "$DATA" -U postgres -E UTF8 --locale=C \
    --auth-host=scram-sha-256 --auth-local=scram-sha-256 --pwfile="$ROOT/pwfile" >"$ROOT/initdb.log"
rm -f "$ROOT/pwfile"
server pg_ctl -D "$DATA" -l "$ROOT/server.log" -w -t 60 \
    -o "-p $PORT -k $ROOT -c listen_addresses=127.0.0.1 -c password_encryption=scram-sha-256" \
    start >/dev/null

# The database's owner: a login with CREATEROLE, as a team's database administrator would make.
PGPASSWORD=$SUPERUSER_PASSWORD "$(bin_dir)/psql" -X -q -v ON_ERROR_STOP=1 \
    -h 127.0.0.1 -p "$PORT" -U postgres -d postgres <<SQL
CREATE ROLE vetdesk_owner LOGIN CREATEROLE PASSWORD '$OWNER_PASSWORD';
CREATE DATABASE vetdesk OWNER vetdesk_owner;
SQL

URL_BASE="127.0.0.1:$PORT/vetdesk?sslmode=disable"
OWNER_URL="postgresql://vetdesk_owner@$URL_BASE"
as_owner() {
    env -u VETDESK_USER VETDESK_DATABASE_URL="$OWNER_URL" PGPASSWORD="$OWNER_PASSWORD" \
        "$VETDESK" --data-dir "$ROOT/vetdesk_owner" "$@"
}

# login role display-name password, and the sample user each one answers for
PEOPLE=(
    "rita reviewer Rita_Reviewer rita-demo-password sample-reviewer"
    "ivan investigator Ivan_Investigator ivan-demo-password sample-investigator"
    "cora compliance Cora_Compliance cora-demo-password sample-compliance"
)

# So that every screen has something to show, the team starts from the sample cohort: made in a
# solo data directory, then moved into the team database by `team push`, which on a new
# database also does what `team init` does. A team without history runs `team init` instead,
# then `vetdesk user add NAME --role ROLE --password-stdin` for each person.
say
say "\$ vetdesk --data-dir target/team-demo/sample demo   (the sample cohort, solo)"
env -u VETDESK_DATABASE_URL -u VETDESK_USER "$VETDESK" --data-dir "$ROOT/sample" demo >/dev/null

# The three people's logins, as the database owner makes them (push grants their group roles).
MAP=(--map sample-admin=vetdesk_owner)
for person in "${PEOPLE[@]}"; do
    read -r name _ _ password sample <<<"$person"
    PGPASSWORD=$OWNER_PASSWORD "$(bin_dir)/psql" -X -q -v ON_ERROR_STOP=1 \
        -h 127.0.0.1 -p "$PORT" -U vetdesk_owner -d vetdesk \
        -c "CREATE ROLE $name LOGIN PASSWORD '$password'"
    MAP+=(--map "$sample=$name")
done

say "\$ vetdesk team push --from-data-dir target/team-demo/sample ${MAP[*]}   (as vetdesk_owner)"
as_owner team push --from-data-dir "$ROOT/sample" "${MAP[@]}"

for person in "${PEOPLE[@]}"; do
    read -r name _ _ password _ <<<"$person"
    # Each person's own environment: the URL signs in as them; the password is typed at the
    # prompt, or taken from PGPASSWORD as here for a quick try.
    cat >"$ROOT/$name.env" <<ENV
export VETDESK_DATABASE_URL='postgresql://$name@$URL_BASE'
export VETDESK_DATA_DIR='$ROOT/$name'
export PGPASSWORD='$password'
unset VETDESK_USER
ENV
done

say
say "Team demo database: postgresql://vetdesk_owner:$OWNER_PASSWORD@$URL_BASE"
say
say "Sign in as each person with the CLI (each is a database login; who acts is the login, and"
say "the sample history goes on under the sample name each login answers for):"
for person in "${PEOPLE[@]}"; do
    read -r name role _ password sample <<<"$person"
    printf '  %-13s password %-20s  source target/team-demo/%s.env && %s case list\n' \
        "$name ($role)" "$password" "$name" "$VETDESK"
done
say
say "Or without PGPASSWORD, on a terminal vetdesk asks for the password:"
say "  VETDESK_DATABASE_URL='postgresql://rita@$URL_BASE' $VETDESK case list"
say
say "The desktop app as another of them: it starts on the sign-in screen for the login in the URL"
say "(ivan's password is ivan-demo-password), and shows everybody's changes as they are made:"
say "  env -u PGPASSWORD VETDESK_DATABASE_URL='postgresql://ivan@$URL_BASE' VETDESK_DATA_DIR='$ROOT/ivan-app' $APP"
say "Stop the cluster and remove target/team-demo/:  make team-demo-stop"

# The app, signed in as rita, when there is a screen to show it on (TEAM_DEMO_APP=0: never).
if [ "${TEAM_DEMO_APP:-1}" != 0 ] && { [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; }; then
    say
    say "Opening the app signed in as rita (the reviewer); close its window to get the shell back."
    env -u VETDESK_USER VETDESK_DATABASE_URL="postgresql://rita@$URL_BASE" \
        PGPASSWORD=rita-demo-password VETDESK_DATA_DIR="$ROOT/rita-app" "$APP"
fi

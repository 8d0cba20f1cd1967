#!/usr/bin/env bash
# The production stack on this machine, from the project's own files (`make stack`, `make stack-stop`):
#
#   PostgreSQL 15   Debian's package, a cluster of its own under .cache/stack/postgres, port 5433
#   Elasticsearch   three nodes on 127.0.0.1 (HTTP 9211-9213), search/elasticsearch/es.sh cluster-start
#   the site        gunicorn, production settings, DEBUG off, http://127.0.0.1:8080/
#   the worker      manage.py search_index work
#
# The environment all of them use is written to .cache/stack/env; run any manage.py command
# against the stack with:  set -a; . .cache/stack/env; set +a; .venv/bin/python manage.py ...
#
# Plain http on loopback: the TLS redirect and the secure-only cookies are switched off by the
# environment, as they would be behind no proxy; a real deployment keeps them on (README, Production).
# The site takes the client's address from X-Forwarded-For, as behind a proxy of one's own, so that
# bench/load.py's readers count as separate readers for the rate limits; it listens on loopback only.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
STACK=$ROOT/.cache/stack
PG_BIN=/usr/lib/postgresql/15/bin
PG_DATA=$STACK/postgres
PG_PORT=${MEMORIA_STACK_PG_PORT:-5433}
WEB_PORT=${MEMORIA_STACK_PORT:-8080}
WEB_WORKERS=${MEMORIA_STACK_WEB_WORKERS:-4}
PYTHON=$ROOT/.venv/bin/python

log() { echo "stack: $*" >&2; }

# alive PIDFILE WORD: the process of the file runs, and is ours (its command line has WORD): a stale
# file whose number a new process took is not mistaken for it, nor killed.
alive() {
    local pid
    [[ -f $1 ]] || return 1
    pid=$(cat "$1")
    kill -0 "$pid" 2>/dev/null && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$2"
}

start_postgres() {
    if [[ ! -x $PG_BIN/initdb ]]; then
        log "installing PostgreSQL 15 (Debian's package)"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15 >/dev/null
    fi
    mkdir -p "$STACK"
    if [[ ! -f $PG_DATA/PG_VERSION ]]; then
        log "creating a PostgreSQL cluster in $PG_DATA"
        mkdir -p "$PG_DATA"
        chown postgres: "$PG_DATA"
        chmod 700 "$PG_DATA"
        # Passwords over TCP (the site's DATABASE_URL), the postgres user by its own account on the
        # socket: no other local user gets in.
        runuser -u postgres -- "$PG_BIN/initdb" -D "$PG_DATA" -U postgres --auth-local=peer \
            --auth-host=scram-sha-256 -E UTF8 >/dev/null
    fi
    if ! runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; then
        log "starting PostgreSQL on 127.0.0.1:$PG_PORT"
        runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_DATA/server.log" -w \
            -o "-p $PG_PORT -k /tmp -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null
    fi
    local psql=(runuser -u postgres -- "$PG_BIN/psql" -h /tmp -p "$PG_PORT" -U postgres -qtA)
    "${psql[@]}" -c "SELECT 1 FROM pg_roles WHERE rolname = 'memoria'" | grep -q 1 ||
        "${psql[@]}" -c "CREATE ROLE memoria LOGIN PASSWORD 'memoria'"
    "${psql[@]}" -c "SELECT 1 FROM pg_database WHERE datname = 'memoria'" | grep -q 1 ||
        "${psql[@]}" -c "CREATE DATABASE memoria OWNER memoria"
}

write_env() {
    local es_urls=$1
    if [[ ! -f $STACK/secret_key ]]; then
        "$PYTHON" -c "import secrets; print(secrets.token_urlsafe(50))" >"$STACK/secret_key"
        chmod 600 "$STACK/secret_key"
    fi
    # The secret key and the database's password: for this machine's root alone.
    (umask 077 && : >"$STACK/env")
    cat >"$STACK/env" <<EOF
DJANGO_SETTINGS_MODULE=memoria.settings.production
SECRET_KEY=$(cat "$STACK/secret_key")
DATABASE_URL=postgres://memoria:memoria@127.0.0.1:$PG_PORT/memoria
ELASTICSEARCH_URL=$es_urls
MEMORIA_SEARCH_INDEX=memoria-stack
MEMORIA_SEARCH_REPLICAS=1
ALLOWED_HOSTS=127.0.0.1,localhost
CSRF_TRUSTED_ORIGINS=http://127.0.0.1:$WEB_PORT,http://localhost:$WEB_PORT
WAGTAILADMIN_BASE_URL=http://127.0.0.1:$WEB_PORT
SECURE_SSL_REDIRECT=false
SECURE_COOKIES=false
SECURE_HSTS_SECONDS=0
STATIC_ROOT=$STACK/static
MEDIA_ROOT=$STACK/media
MEMORIA_PRIVATE_MEDIA_ROOT=$STACK/private-media
EMAIL_BACKEND=django.core.mail.backends.console.EmailBackend
MEMORIA_TRUST_X_FORWARDED_FOR=true
EOF
}

manage() { (set -a && . "$STACK/env" && set +a && "$PYTHON" manage.py "$@"); }

cmd_start() {
    start_postgres
    local es_urls
    es_urls=$(bash search/elasticsearch/es.sh cluster-start | tail -n 1)
    write_env "$es_urls"
    manage deploy
    if [[ ! -f $STACK/demo-loaded ]]; then
        log "loading the demo (first start only)"
        manage load_demo
        manage setup_editorial
        # The pages' absolute URLs (the API's links among them) name the site where it is served here.
        manage shell -c "from wagtail.models import Site; Site.objects.filter(is_default_site=True).update(hostname='127.0.0.1', port=$WEB_PORT)"
        touch "$STACK/demo-loaded"
    fi
    if ! alive "$STACK/gunicorn.pid" gunicorn; then
        log "starting the site: gunicorn, $WEB_WORKERS workers, http://127.0.0.1:$WEB_PORT/"
        (set -a && . "$STACK/env" && set +a && "$ROOT/.venv/bin/gunicorn" memoria.wsgi \
            --config deploy/gunicorn.conf.py --bind "127.0.0.1:$WEB_PORT" --workers "$WEB_WORKERS" \
            --pid "$STACK/gunicorn.pid" --daemon \
            --access-logfile "$STACK/access.log" --error-logfile "$STACK/gunicorn.log" </dev/null >/dev/null 2>&1)
    fi
    if ! alive "$STACK/worker.pid" search_index; then
        log "starting the worker (log: $STACK/worker.log)"
        (
            set -a
            . "$STACK/env"
            set +a
            nohup "$PYTHON" manage.py search_index work </dev/null >>"$STACK/worker.log" 2>&1 &
            echo $! >"$STACK/worker.pid"
        )
    fi
    local up=""
    for _ in $(seq 1 60); do
        if curl -fsS --max-time 2 "http://127.0.0.1:$WEB_PORT/healthz/" >/dev/null 2>&1; then
            up=1
            break
        fi
        sleep 1
    done
    if [[ -z $up ]]; then
        log "the site did not answer /healthz/ within 60 s; the end of its log:"
        tail -n 40 "$STACK/gunicorn.log" >&2 2>/dev/null || true
        exit 1
    fi
    cat <<EOF
Memoria's production stack is up:
  the site        http://127.0.0.1:$WEB_PORT/   (admin: http://127.0.0.1:$WEB_PORT/admin/; create a login with
                  set -a; . .cache/stack/env; set +a; .venv/bin/python manage.py createsuperuser)
  health          http://127.0.0.1:$WEB_PORT/healthz/
  Elasticsearch   $es_urls
  PostgreSQL      postgres://memoria:memoria@127.0.0.1:$PG_PORT/memoria
  environment     .cache/stack/env   logs: .cache/stack/*.log
Stop it with: make stack-stop
EOF
}

# stop_pid PIDFILE WORD NAME: SIGTERM, and SIGKILL after 40 s (gunicorn's graceful timeout is 20 s,
# the worker finishes the round in hand).
stop_pid() {
    local file=$1 word=$2 name=$3
    if alive "$file" "$word"; then
        kill "$(cat "$file")" 2>/dev/null || true
        for _ in $(seq 1 160); do alive "$file" "$word" || break; sleep 0.25; done
        if alive "$file" "$word"; then
            log "$name ignored SIGTERM for 40 s; killing it"
            kill -9 "$(cat "$file")" 2>/dev/null || true
        fi
        log "stopped $name"
    fi
    rm -f "$file"
}

cmd_stop() {
    stop_pid "$STACK/worker.pid" search_index "the worker"
    stop_pid "$STACK/gunicorn.pid" gunicorn "gunicorn"
    bash search/elasticsearch/es.sh cluster-stop
    if [[ -f $PG_DATA/PG_VERSION ]] && runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; then
        runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null
        log "stopped PostgreSQL"
    fi
    # The index went with the cluster's data: the next start's worker rebuilds it from the database.
}

# After the code changed (an upgrade): the deploy steps (migrations, static files with their new
# names, translations), then gunicorn's workers replaced one by one (SIGHUP: no request refused)
# and the worker restarted. A template naming a static file that collectstatic has not seen
# fails, so the running site must not pick up new code before this.
cmd_reload() {
    if ! alive "$STACK/gunicorn.pid" gunicorn; then
        log "the stack is not running: make stack"
        exit 1
    fi
    manage deploy
    kill -HUP "$(cat "$STACK/gunicorn.pid")"
    log "gunicorn reloads its workers"
    stop_pid "$STACK/worker.pid" search_index "the worker"
    (
        set -a
        . "$STACK/env"
        set +a
        nohup "$PYTHON" manage.py search_index work </dev/null >>"$STACK/worker.log" 2>&1 &
        echo $! >"$STACK/worker.pid"
    )
    log "started the worker again"
}

case ${1:-} in
    start) cmd_start ;;
    stop) cmd_stop ;;
    reload) cmd_reload ;;
    *)
        echo "usage: $0 {start|stop|reload}" >&2
        exit 2
        ;;
esac

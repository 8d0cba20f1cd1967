#!/usr/bin/env bash
# Local Elasticsearch 8 node for development and tests.
#
#   es.sh fetch              download + unpack the minimal distribution (once)
#   es.sh build-plugin       compile + (re)install the memoria-analysis plugin
#   es.sh start [PORT]       start a throw-away single node, print its URL last
#   es.sh stop [PORT]        stop it and delete its data
#   es.sh url [PORT]         print the URL
#   es.sh cluster-start      start a three-node cluster (HTTP ports 9211-9213), print its URLs last;
#                            starts again any of its nodes that is down, with the data it had
#   es.sh cluster-stop       stop it and delete its data
#
# PORT defaults to $MEMORIA_ES_PORT or 9201.
#
# The distribution used is the minimal "integ-test-zip" from Maven Central: it
# has no bundled JDK and no analysis-common module, which is why the analysis
# names Wagtail and our index settings rely on come from our own plugin in
# analysis-plugin/.
set -euo pipefail

ES_VERSION=8.19.21
ES_USER=memoria-es
JAVA_HOME_17=/usr/lib/jvm/java-17-openjdk-amd64

# The JDK the node runs on: $MEMORIA_ES_JAVA_HOME, else the newest installed JDK from 21 to 25
# (the range Elasticsearch 8.19 supports), else Java 17. On Temurin 25 the node's log says that
# Lucene scores vectors with the JDK's vector API (SIMD) and Elasticsearch loads its native
# vector library, which makes a rebuild faster (bench/search_index.py has the figures).
run_java_home() {
    if [[ -n ${MEMORIA_ES_JAVA_HOME:-} ]]; then
        echo "$MEMORIA_ES_JAVA_HOME"
        return
    fi
    local best=$JAVA_HOME_17 best_major=17 java major
    for java in /usr/lib/jvm/*/bin/java; do
        [[ -x $java ]] || continue
        major=$("$java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
        if [[ $major =~ ^[0-9]+$ ]] && ((major >= 21 && major <= 25 && major > best_major)); then
            best=$(dirname "$(dirname "$java")") best_major=$major
        fi
    done
    echo "$best"
}

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/../.." && pwd)
CACHE=$REPO_ROOT/.cache/elasticsearch
ES_HOME=$CACHE/elasticsearch-$ES_VERSION
PLUGIN_SRC=$SCRIPT_DIR/analysis-plugin
PLUGIN_BUILD=$CACHE/plugin-build
PLUGIN_ZIP=$CACHE/memoria-analysis-$ES_VERSION.zip
# Used only when $ES_USER cannot reach $CACHE (see runtime_root).
FALLBACK_RUNTIME=/var/tmp/memoria-es

PORT=${2:-${MEMORIA_ES_PORT:-9201}}
URL=http://127.0.0.1:$PORT

log() { echo "es.sh: $*" >&2; }

cmd_fetch() {
    if [[ -x $ES_HOME/bin/elasticsearch ]]; then
        return 0
    fi
    mkdir -p "$CACHE/download"
    log "downloading elasticsearch $ES_VERSION (~100 MB) through mvn"
    mvn -q -B -Dstyle.color=never dependency:copy \
        -Dartifact=org.elasticsearch.distribution.integ-test-zip:elasticsearch:$ES_VERSION:zip \
        -DoutputDirectory="$CACHE/download" >&2
    local tmp=$CACHE/unpack.$$
    rm -rf "$tmp"
    mkdir -p "$tmp"
    unzip -q "$CACHE/download/elasticsearch-$ES_VERSION.zip" -d "$tmp"
    mv "$tmp/elasticsearch-$ES_VERSION" "$ES_HOME"
    rm -rf "$tmp" "$CACHE/download"
}

plugin_hash() {
    (cd "$PLUGIN_SRC" && find . -type f \( -name '*.java' -o -name '*.properties' \) -print0 \
        | sort -z | xargs -0 sha256sum; echo "$ES_VERSION") | sha256sum | cut -d' ' -f1
}

cmd_build_plugin() {
    cmd_fetch
    local hash stamp=$PLUGIN_BUILD/stamp
    hash=$(plugin_hash)
    if [[ -f $stamp && $(cat "$stamp") == "$hash" && -d $ES_HOME/plugins/memoria-analysis ]]; then
        return 0
    fi
    log "building the memoria-analysis plugin"
    rm -rf "$PLUGIN_BUILD"
    mkdir -p "$PLUGIN_BUILD/classes" "$PLUGIN_BUILD/zip"
    local -a sources
    mapfile -t sources < <(find "$PLUGIN_SRC/src" -name '*.java' | sort)
    "$JAVA_HOME_17/bin/javac" --release 17 -Xlint:-options -cp "$ES_HOME/lib/*" \
        -d "$PLUGIN_BUILD/classes" "${sources[@]}" >&2
    "$JAVA_HOME_17/bin/jar" --create --file "$PLUGIN_BUILD/zip/memoria-analysis.jar" \
        -C "$PLUGIN_BUILD/classes" .
    cp "$PLUGIN_SRC/plugin-descriptor.properties" "$PLUGIN_BUILD/zip/"
    rm -f "$PLUGIN_ZIP"
    # A plugin zip is a plain zip with the descriptor and jars at its top level.
    "$JAVA_HOME_17/bin/jar" --create --no-manifest --file "$PLUGIN_ZIP" -C "$PLUGIN_BUILD/zip" .
    if [[ -d $ES_HOME/plugins/memoria-analysis ]]; then
        ES_JAVA_HOME=$JAVA_HOME_17 "$ES_HOME/bin/elasticsearch-plugin" remove --purge memoria-analysis >&2
    fi
    ES_JAVA_HOME=$JAVA_HOME_17 "$ES_HOME/bin/elasticsearch-plugin" install --batch "file://$PLUGIN_ZIP" >&2
    echo "$hash" > "$stamp"
}

ensure_user() {
    if ! id -u "$ES_USER" >/dev/null 2>&1; then
        useradd --system --no-create-home --shell /usr/sbin/nologin "$ES_USER"
    fi
}

# Elasticsearch refuses to run as root, so it runs as $ES_USER, which must be
# able to traverse every parent folder of its home and data. A checkout often
# lies under world-traversable folders (then the cache is used in place), but a
# clone in e.g. a mode-700 home folder is not: rather than loosen permissions
# of folders outside the repository, the distribution is then mirrored into
# $FALLBACK_RUNTIME and run from there.
runtime_root() {
    if id -u "$ES_USER" >/dev/null 2>&1 && runuser -u "$ES_USER" -- test -x "$CACHE"; then
        echo "$CACHE"
    else
        echo "$FALLBACK_RUNTIME"
    fi
}

pid_alive() {
    local pidfile=$1/es.pid pid
    [[ -f $pidfile ]] || return 1
    pid=$(cat "$pidfile")
    [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null && grep -q elasticsearch "/proc/$pid/cmdline" 2>/dev/null
}

healthy() {
    curl -fsS --max-time 5 "$URL/_cluster/health?wait_for_status=yellow&timeout=2s" >/dev/null 2>&1
}

# The distribution the node runs from: the cache itself, or its mirror where $ES_USER cannot reach the cache.
prepare_home() {
    local root=$1 home=$ES_HOME
    if [[ $root != "$CACHE" ]]; then
        home=$root/elasticsearch-$ES_VERSION
        if [[ ! -f $home/.stamp || $(cat "$home/.stamp") != "$(cat "$PLUGIN_BUILD/stamp")" ]]; then
            log "mirroring the distribution into $home (the cache is not reachable by $ES_USER)"
            rm -rf "$home"
            mkdir -p "$root"
            chmod 755 "$root"
            cp -a "$ES_HOME" "$home"
            cp "$PLUGIN_BUILD/stamp" "$home/.stamp"
        fi
    fi
    # Made once here: nodes started side by side (the cluster's three) each create a missing
    # keystore, and the second one fails on the first one's temporary file.
    if [[ ! -f $home/config/elasticsearch.keystore ]]; then
        ES_JAVA_HOME=$JAVA_HOME_17 "$home/bin/elasticsearch-keystore" create >&2
    fi
    echo "$home"
}

# launch_node HOME RUN HTTP_PORT NAME [-Esetting ...]: a node in the background, data and logs under
# RUN. A single node starts afresh; a cluster node keeps its data across a restart (a drill's).
launch_node() {
    local home=$1 run=$2 port=$3 name=$4
    shift 4
    [[ $name == memoria-node-* ]] || rm -rf "$run"
    mkdir -p "$run/data" "$run/logs" "$run/tmp"
    cp "$PLUGIN_BUILD/stamp" "$run/plugin.stamp"
    chown -R "$ES_USER:" "$home" "$run"
    local java_home
    java_home=$(run_java_home)
    log "starting elasticsearch $name on http://127.0.0.1:$port (Java: $java_home)"
    runuser -u "$ES_USER" -- env ES_JAVA_HOME=$java_home ES_JAVA_OPTS="-Xms512m -Xmx512m" ES_TMPDIR="$run/tmp" \
        "$home/bin/elasticsearch" -d -p "$run/es.pid" \
        -Enode.name="$name" \
        -Expack.security.enabled=false \
        -Ehttp.host=127.0.0.1 \
        -Ehttp.port="$port" \
        -Etransport.host=127.0.0.1 \
        -Epath.data="$run/data" \
        -Epath.logs="$run/logs" \
        -Ecluster.routing.allocation.disk.threshold_enabled=false \
        "$@" \
        >"$run/startup.out" 2>&1 || true
}

CLUSTER_HTTP=(9211 9212 9213)
CLUSTER_TRANSPORT=(9311 9312 9313)

cmd_cluster_start() {
    if ((EUID != 0)); then
        log "cluster-start needs root: Elasticsearch refuses to run as root, so this runs it as the user $ES_USER"
        exit 1
    fi
    cmd_build_plugin
    ensure_user
    local root home i seeds masters urls
    root=$(runtime_root)
    home=$(prepare_home "$root")
    seeds=$(printf '127.0.0.1:%s,' "${CLUSTER_TRANSPORT[@]}")
    masters=$(printf 'memoria-node-%s,' 1 2 3)
    urls=$(printf 'http://127.0.0.1:%s,' "${CLUSTER_HTTP[@]}")
    URL=http://127.0.0.1:${CLUSTER_HTTP[0]}
    if healthy_cluster; then
        echo "${urls%,}"
        return 0
    fi
    for i in 0 1 2; do
        if pid_alive "$root/cluster-$((i + 1))"; then
            continue
        fi
        # Discovery by the three transport ports; the first election among the three names.
        launch_node "$home" "$root/cluster-$((i + 1))" "${CLUSTER_HTTP[$i]}" "memoria-node-$((i + 1))" \
            -Ecluster.name=memoria-stack \
            -Etransport.port="${CLUSTER_TRANSPORT[$i]}" \
            -Ediscovery.seed_hosts="${seeds%,}" \
            -Ecluster.initial_master_nodes="${masters%,}" &
    done
    wait
    local deadline=$((SECONDS + 150))
    while ((SECONDS < deadline)); do
        if healthy_cluster; then
            echo "${urls%,}"
            return 0
        fi
        sleep 1
    done
    log "the cluster did not form on ${urls%,}; log tails:"
    for i in 1 2 3; do tail -n 30 "$root/cluster-$i/logs/memoria-stack.log" >&2 2>/dev/null || true; done
    exit 1
}

healthy_cluster() {
    curl -fsS --max-time 5 "$URL/_cluster/health?wait_for_nodes=3&wait_for_status=yellow&timeout=2s" >/dev/null 2>&1
}

# stop_node PID: SIGTERM, and SIGKILL after 30 s.
stop_node() {
    local pid=$1
    kill "$pid" 2>/dev/null || return 0 # gone already
    for _ in $(seq 1 60); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.5
    done
    log "elasticsearch ($pid) ignored SIGTERM for 30 s; killing it"
    kill -9 "$pid" 2>/dev/null || return 0
    while kill -0 "$pid" 2>/dev/null; do sleep 0.2; done
}

cmd_cluster_stop() {
    local root i
    for root in "$CACHE" "$FALLBACK_RUNTIME"; do
        for i in 1 2 3; do
            if pid_alive "$root/cluster-$i"; then
                stop_node "$(cat "$root/cluster-$i/es.pid")"
                log "stopped elasticsearch memoria-node-$i"
            fi
            rm -rf "$root/cluster-$i"
        done
    done
}

cmd_start() {
    if ((EUID != 0)); then
        log "start needs root: Elasticsearch refuses to run as root, so this runs it as the user $ES_USER"
        exit 1
    fi
    cmd_build_plugin
    ensure_user
    local root home run
    root=$(runtime_root)
    run=$root/run-$PORT
    if pid_alive "$run"; then
        if healthy && cmp -s "$run/plugin.stamp" "$PLUGIN_BUILD/stamp"; then
            echo "$URL"
            return 0
        fi
        log "restarting the node on port $PORT (plugin rebuilt, or not healthy)"
        cmd_stop
    fi
    home=$(prepare_home "$root")
    launch_node "$home" "$run" "$PORT" "memoria-$PORT" \
        -Ecluster.name=memoria-$PORT -Ediscovery.type=single-node -Etransport.port=0
    local deadline=$((SECONDS + 90))
    while ((SECONDS < deadline)); do
        if healthy; then
            echo "$URL"
            return 0
        fi
        if ((SECONDS > 5)) && ! pid_alive "$run"; then
            break
        fi
        sleep 1
    done
    log "elasticsearch did not become healthy on $URL; output and log tail:"
    cat "$run/startup.out" >&2 || true
    tail -n 60 "$run/logs/memoria-$PORT.log" >&2 2>/dev/null || true
    exit 1
}

cmd_stop() {
    local root run
    for root in "$CACHE" "$FALLBACK_RUNTIME"; do
        run=$root/run-$PORT
        [[ -d $run ]] || continue
        if pid_alive "$run"; then
            stop_node "$(cat "$run/es.pid")"
            log "stopped elasticsearch on $URL"
        fi
        rm -rf "$run"
    done
}

case ${1:-} in
    fetch) cmd_fetch ;;
    build-plugin) cmd_build_plugin ;;
    start) cmd_start ;;
    stop) cmd_stop ;;
    url) echo "$URL" ;;
    cluster-start) cmd_cluster_start ;;
    cluster-stop) cmd_cluster_stop ;;
    *)
        echo "usage: $0 {fetch|build-plugin|start|stop|url|cluster-start|cluster-stop} [PORT]" >&2
        exit 2
        ;;
esac

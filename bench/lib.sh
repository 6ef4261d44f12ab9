# Shared steps of the benchmark scripts (sourced by bench/*/run.sh): logging, a Release build that
# survives collisions with other builds in the same tree, a private PostgreSQL with default
# durability, and a bounded wait for a quiet machine.
# Callers set ROOT, RESULTS (a folder for build.log) and PG_SCRIPT before using these.

log() { echo "bench: $*" >&2; }
die() { echo "bench: error: $*" >&2; exit 1; }

# bench_build PROJECT: Release build; other builds may hold output files, so a collision on a
# locked file is retried.
bench_build() {
  local project="$1" attempt
  log "building $project (Release)"
  for attempt in 1 2 3 4; do
    if timeout 900 dotnet build -c Release --nologo -v quiet "$project" > "$RESULTS/build.log" 2>&1; then
      return 0
    fi
    if ((attempt < 4)) && grep -Eq 'MSB3026|MSB3027|MSB3021|being used by another process|CS2012' "$RESULTS/build.log"; then
      log "build collided on a locked file; retrying ($attempt)"
      sleep $((attempt * 10))
      continue
    fi
    cat "$RESULTS/build.log" >&2
    die "build failed"
  done
}

# bench_start_postgres DIR PORT: starts the private cluster (stopped on exit) and sets CONNECTION.
# A cluster left in DIR in "fast" mode (fsync off) would give numbers no production hub sees, so
# it is recreated with the defaults.
bench_start_postgres() {
  local dir="$1" port="$2"
  if [[ -f "$dir/postgresql.conf" ]] && grep -Eq '^[[:space:]]*(fsync|synchronous_commit|full_page_writes)[[:space:]]*=[[:space:]]*off' "$dir/postgresql.conf"; then
    log "$dir was initialised in fast mode; recreating it with default durability"
    "$PG_SCRIPT" stop "$dir"
    rm -rf "$dir"
  fi
  log "starting PostgreSQL in $dir on 127.0.0.1:$port (default durability)"
  CONNECTION="$("$PG_SCRIPT" start "$dir" "$port")"
  # shellcheck disable=SC2064 # the directory is fixed now
  trap "\"$PG_SCRIPT\" stop \"$dir\"; log \"PostgreSQL stopped\"" EXIT
}

# bench_wait_quiet SECONDS CORES: on a 2-core machine other processes distort every figure; waits,
# at most SECONDS, until they use no more than CORES, and sets load (cores they used just before).
bench_wait_quiet() {
  local wait="$1" cores="$2" deadline t0 t1
  busy_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9; exit }' /proc/stat; }
  deadline=$((SECONDS + wait))
  while true; do
    t0="$(busy_ticks)"; sleep 1; t1="$(busy_ticks)"
    load="$(awk -v t=$((t1 - t0)) -v k="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", t / k }')"
    if awk -v l="$load" -v q="$cores" 'BEGIN { exit !(l <= q) }' || ((SECONDS >= deadline)); then
      break
    fi
    log "machine busy (${load} cores in use by other processes); waiting up to $((deadline - SECONDS)) s more"
    sleep 4
  done
  log "background load before the run: $load cores"
}

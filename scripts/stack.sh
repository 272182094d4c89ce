# Shared by run-stack and with-stack: start the action server and the Rasa server on 127.0.0.1.
# shellcheck shell=bash
BIN=${BIN:-.venv/bin}
MODEL=${MODEL:-models/clinicbot.tar.gz}
RASA_PORT=${RASA_PORT:-5005}
ACTIONS_PORT=${ACTIONS_PORT:-5055}
STAFF_PORT=${STAFF_PORT:-8000}
# The website widget's demo page is served by the Rasa server itself, so in development its origin is
# allowed unless WIDGET_ALLOWED_ORIGINS is set (set but empty: no widget channel).
export WIDGET_ALLOWED_ORIGINS="${WIDGET_ALLOWED_ORIGINS-http://127.0.0.1:$RASA_PORT,http://localhost:$RASA_PORT}"
mkdir -p var/logs
PIDS=()

port_free() {
  ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

start_stack() {
  local port
  for port in "$RASA_PORT" "$ACTIONS_PORT" "$STAFF_PORT"; do
    if ! port_free "$port"; then
      echo "port $port on 127.0.0.1 is already in use (another stack running?); stop it first" >&2
      return 1
    fi
  done
  "$BIN/python" -m clinicbot.deploy endpoints >var/endpoints.yml || return 1
  "$BIN/python" -m clinicbot.deploy credentials >var/credentials.yml || return 1
  SANIC_HOST=127.0.0.1 "$BIN/rasa" run actions --actions actions -p "$ACTIONS_PORT" --cors "" >var/logs/actions.log 2>&1 &
  PIDS+=($!)
  local api=()
  if [ -n "${RASA_API_TOKEN:-}" ]; then api=(--enable-api --auth-token "$RASA_API_TOKEN"); fi
  "$BIN/python" -m clinicbot.rasa_nlu.server run --model "$MODEL" -i 127.0.0.1 -p "$RASA_PORT" --endpoints var/endpoints.yml \
    --credentials var/credentials.yml --cors "" "${api[@]}" >var/logs/rasa.log 2>&1 &
  PIDS+=($!)
  # The staff review app; outside development it needs STAFF_SECRET_KEY (it says so and exits).
  STAFF_HOST=127.0.0.1 STAFF_PORT="$STAFF_PORT" "$BIN/python" -m clinicbot.review >var/logs/staff.log 2>&1 &
  PIDS+=($!)
  # The alert worker (README "Escalations and alerts"), niced below the servers; idles when no alert is configured.
  nice -n 10 "$BIN/python" -m clinicbot.alerts >var/logs/alerts.log 2>&1 &
  PIDS+=($!)
}

wait_ready() {
  local i
  local p
  for i in $(seq 1 180); do
    for p in "${PIDS[@]}"; do
      if ! kill -0 "$p" 2>/dev/null; then
        echo "a server exited while starting; see var/logs/" >&2
        tail -20 var/logs/rasa.log var/logs/actions.log var/logs/staff.log >&2
        return 1
      fi
    done
    if curl -fs "http://127.0.0.1:$RASA_PORT/" >/dev/null && curl -fs "http://127.0.0.1:$ACTIONS_PORT/health" >/dev/null \
      && curl -fs "http://127.0.0.1:$STAFF_PORT/login" >/dev/null; then
      return 0
    fi
    sleep 1
  done
  echo "the stack did not start; see var/logs/" >&2
  tail -20 var/logs/rasa.log var/logs/actions.log var/logs/staff.log >&2
  return 1
}

stop_stack() {
  local p
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
}

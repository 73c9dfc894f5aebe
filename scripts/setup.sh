#!/usr/bin/env bash
# Create or refresh the two environments: .venv-rasa (Python 3.10, the Rasa engine) and .venv
# (Python 3.11, bot/actions/api/tests). Idempotent: a venv is only reinstalled when its lock changed.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

works() { # works PYTHON MAJOR.MINOR
  "$1" -c "import sys; sys.exit(0 if sys.version_info[:2] == tuple(map(int, '$2'.split('.'))) else 1)" >/dev/null 2>&1
}

find_python() { # find_python MAJOR.MINOR ENVVAR
  local want="$1" var="$2" candidate
  if [[ -n "${!var:-}" ]]; then
    works "${!var}" "$want" && { echo "${!var}"; return 0; }
    echo "error: $var=${!var} is not a working Python $want" >&2; return 1
  fi
  for candidate in "python$want" python3; do
    if command -v "$candidate" >/dev/null && works "$candidate" "$want"; then command -v "$candidate"; return 0; fi
  done
  if command -v pyenv >/dev/null; then
    for candidate in "$(pyenv root)"/versions/"$want".*/bin/python; do
      [[ -x "$candidate" ]] && works "$candidate" "$want" && { echo "$candidate"; return 0; }
    done
  fi
  return 1
}

lock_hash() { sha256sum "$@" | sha256sum | cut -c1-16; }

ensure_venv() { # ensure_venv DIR PYTHON LOCKFILE [extra pip args]
  local dir="$1" python="$2" lock="$3"; shift 3
  local stamp="$dir/.installed-lock" want; want="$(lock_hash "$lock")"
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" && -x "$dir/bin/python" ]]; then
    say "$dir is up to date"; return 0
  fi
  say "installing $dir from $lock (first time takes a few minutes)"
  local started=$SECONDS
  [[ -x "$dir/bin/python" ]] || "$python" -m venv "$dir"
  "$dir/bin/python" -m pip install --quiet --upgrade "pip<25"
  "$dir/bin/python" -m pip install --quiet "$@" -r "$lock"
  echo "$want" > "$stamp"
  say "$dir ready in $((SECONDS - started)) s"
}

PY310="$(find_python 3.10 RASA_PYTHON)" || {
  cat >&2 <<'MSG'
error: Python 3.10 was not found. Rasa Open Source 3.6 runs only on Python 3.8-3.10.
  Install one and run again, for example:
    pyenv install 3.10.13            (then this script finds it by itself), or
    apt-get install python3.10 python3.10-venv, or
    RASA_PYTHON=/path/to/python3.10 make run
MSG
  exit 1
}
PY311="$(find_python 3.11 APP_PYTHON)" || {
  echo "error: Python 3.11 was not found; install it or set APP_PYTHON=/path/to/python3.11" >&2; exit 1
}

ensure_venv .venv "$PY311" requirements/app.lock
ensure_venv .venv-rasa "$PY310" requirements/rasa.lock

# The browser tests drive Debian's Chromium (nothing is downloaded by the test tool itself).
# Only `make test` asks for it; without it those tests are skipped, never failed.
if [[ "${1:-}" == "--with-browser" ]] && ! command -v chromium >/dev/null; then
  if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
    say "installing Chromium for the browser tests (Debian package)"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
      || echo "warning: could not install chromium; browser tests will be skipped" >&2
  else
    echo "note: chromium not found; browser tests will be skipped (apt-get install chromium)" >&2
  fi
fi

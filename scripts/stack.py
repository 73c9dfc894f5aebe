"""Start and stop the three services: Rasa engine, action server, API gateway.

    python scripts/stack.py run      # train if needed, start all, print the URL, Ctrl-C stops all
    python scripts/stack.py train    # train only when domain/config/data changed

Also imported by the end-to-end tests and the benchmark, so there is one way to start the stack.
"""
from __future__ import annotations

import argparse
import hashlib
import os
import secrets
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # bot.config decides where the tracker store lives
from bot.config import engine_process_name  # noqa: E402

RASA_BIN = ROOT / ".venv-rasa" / "bin" / "rasa"
APP_PYTHON = ROOT / ".venv" / "bin" / "python"
MODEL_DIR = ROOT / "models"
# Our own pipeline components (components/) and the encoder they load (bot/embeddings.py) shape the model too.
MODEL_INPUTS = ["domain", "config.yml", "data", "requirements/rasa.lock", "components", "bot/embeddings.py"]


def _say(message: str) -> None:
    print(f"\033[1m==> {message}\033[0m", flush=True)


def model_hash() -> str:
    """Hash of everything training depends on: a model is retrained exactly when this changes."""
    digest = hashlib.sha256()
    for entry in MODEL_INPUTS:
        path = ROOT / entry
        files = sorted(p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts) if path.is_dir() else [path]
        for file in files:
            digest.update(str(file.relative_to(ROOT)).encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


def ensure_model(quiet: bool = False) -> Path:
    name = f"model-{model_hash()}"
    model = MODEL_DIR / f"{name}.tar.gz"
    if model.exists():
        _say(f"Rasa model is up to date ({model.name})")
        return model
    _say("training the Rasa model (its data changed; about 13 minutes on two cores)...")
    started = time.monotonic()
    MODEL_DIR.mkdir(exist_ok=True)
    command = [str(RASA_BIN), "train", "--domain", "domain", "--fixed-model-name", name, "--out", str(MODEL_DIR)]
    output = subprocess.DEVNULL if quiet else None
    result = subprocess.run(command, cwd=ROOT, stdout=output, env=_rasa_env())
    if result.returncode != 0 or not model.exists():
        sys.exit("error: Rasa training failed (see the output above)")
    _say(f"trained in {time.monotonic() - started:.0f} s")
    for old in sorted(MODEL_DIR.glob("model-*.tar.gz"), key=lambda p: p.stat().st_mtime)[:-3]:
        old.unlink()
    return model


def _rasa_env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    env.setdefault("RASA_TELEMETRY_ENABLED", "false")
    env.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
    return env


def endpoints_yaml(action_url: str, var_dir: Path, env: dict[str, str]) -> str:
    """Tracker store where bot.config says it is (the gateway erases from there too); Redis locks if set."""
    from bot.config import Settings

    tracker = Settings(var_dir=var_dir, database_url=env.get("DATABASE_URL", ""),
                       tracker_database_url=env.get("RASA_TRACKER_DATABASE_URL", "")).tracker_sqlalchemy_url
    lines = ["action_endpoint:", f'  url: "{action_url}/webhook"', "tracker_store:", "  type: SQL"]
    if tracker.startswith("postgresql"):
        url = urlparse(tracker.replace("+psycopg", ""))
        lines += ['  dialect: "postgresql"', f'  url: "{url.hostname or "127.0.0.1"}"', f"  port: {url.port or 5432}",
                  f'  db: "{url.path.lstrip("/")}"', f'  username: "{url.username or ""}"',
                  f'  password: "{url.password or ""}"']
    else:
        lines += ['  dialect: "sqlite"', f'  db: "{tracker.removeprefix("sqlite:///")}"']
    redis_url = env.get("REDIS_URL")
    if redis_url:
        url = urlparse(redis_url)
        lines += ["lock_store:", "  type: redis", f'  url: "{url.hostname}"', f"  port: {url.port or 6379}",
                  f"  db: {int((url.path or '/0').lstrip('/') or 0)}", '  key_prefix: "wellbeing"']
    return "\n".join(lines) + "\n"


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Stack:
    api_port: int = 8000
    rasa_port: int = 5005
    action_port: int = 5055
    var_dir: Path = field(default_factory=lambda: Path(os.environ.get("WELLBEING_VAR_DIR", ROOT / "var")))
    model: Path | None = None
    rasa_token: str = field(default_factory=lambda: os.environ.get("RASA_TOKEN") or secrets.token_urlsafe(24))
    extra_env: dict[str, str] = field(default_factory=dict)
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)
    # Several engines (the scaled-out shape) share the tracker store and Redis locks; the first listens
    # on rasa_port, the others on ports after it unless rasa_ports names them all.
    engines: int = 1
    rasa_ports: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.rasa_ports:
            self.rasa_ports = [self.rasa_port] + [free_port() for _ in range(self.engines - 1)]
        self.rasa_port, self.engines = self.rasa_ports[0], len(self.rasa_ports)
        if self.engines > 1:
            env = {**os.environ, **self.extra_env}
            if not env.get("REDIS_URL") or not env.get("DATABASE_URL", "").startswith(("postgres", "postgresql")):
                raise ValueError("several engines need a shared tracker store and lock store: "
                                 "set DATABASE_URL to PostgreSQL and REDIS_URL (see README, scaled-out shape)")

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.api_port}"

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    @property
    def rasa_urls(self) -> list[str]:
        return [f"http://127.0.0.1:{port}" for port in self.rasa_ports]

    @property
    def action_url(self) -> str:
        return f"http://127.0.0.1:{self.action_port}"

    def env(self) -> dict[str, str]:
        env = _rasa_env()
        env.update({
            "WELLBEING_VAR_DIR": str(self.var_dir), "RASA_URL": self.rasa_url, "RASA_URLS": ",".join(self.rasa_urls),
            "RASA_TOKEN": self.rasa_token,
            "ACTION_URL": self.action_url, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1",
            "TRANSFORMERS_OFFLINE": "1", "PYTHONUNBUFFERED": "1",
            # rasa_sdk listens where SANIC_HOST says (0.0.0.0 by default): only the engine may call it.
            "SANIC_HOST": "127.0.0.1",
        })
        if self.engines > 1:
            # An engine killed mid-turn leaves its Redis lock behind; the other engine waits for it to
            # expire (Rasa's default: 60 s) before taking that conversation. Keep it well below the
            # gateway's RASA_TIMEOUT_S (20 s).
            env["TICKET_LOCK_LIFETIME"] = "8"
        env.update(self.extra_env)
        return env

    def _spawn(self, name: str, command: list[str]) -> None:
        log_dir = self.var_dir / "log"
        log_dir.mkdir(parents=True, exist_ok=True)
        log = open(log_dir / f"{name}.log", "ab")
        self.processes[name] = subprocess.Popen(
            command, cwd=ROOT, env=self.env(), stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        run_dir = self.var_dir / "run"
        run_dir.mkdir(parents=True, exist_ok=True)
        (run_dir / f"{name}.pid").write_text(str(self.processes[name].pid))

    def start_actions(self) -> None:
        self._spawn("actions", [str(APP_PYTHON), "-m", "rasa_sdk", "--actions", "actions",
                                "--port", str(self.action_port)])

    def start_rasa(self, index: int = 0) -> None:
        """Start the index-th engine (named by bot.config.engine_process_name: rasa, rasa-2, ...)."""
        model = self.model or ensure_model()
        endpoints = self.var_dir / "run" / "endpoints.yml"
        endpoints.parent.mkdir(parents=True, exist_ok=True)
        endpoints.write_text(endpoints_yaml(self.action_url, self.var_dir, self.env()))
        name, port = engine_process_name(index), self.rasa_ports[index]
        self._spawn(name, [str(RASA_BIN), "run", "--model", str(model), "--port", str(port),
                             "--enable-api", "--auth-token", self.rasa_token, "--endpoints", str(endpoints),
                             "--credentials", str(ROOT / "credentials.yml"), "--interface", "127.0.0.1"])

    def start_api(self) -> None:
        self._spawn("api", [str(APP_PYTHON), "-m", "uvicorn", "--factory", "api.app:create_app",
                            "--host", "127.0.0.1", "--port", str(self.api_port)])

    def start(self) -> None:
        self.start_actions()
        for index in range(self.engines):
            self.start_rasa(index)
        self.start_api()

    def stop(self, name: str, timeout_s: float = 15.0) -> None:
        process = self.processes.pop(name, None)
        if process is None or process.poll() is not None:
            return
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        (self.var_dir / "run" / f"{name}.pid").unlink(missing_ok=True)

    def stop_all(self) -> None:
        for name in ("api", *(engine_process_name(i) for i in range(self.engines)), "actions"):
            self.stop(name)

    def health(self) -> dict:
        try:
            return httpx.get(self.api_url + "/health", timeout=2.0).json()
        except (httpx.HTTPError, ValueError):
            return {}

    def wait_ready(self, timeout_s: float = 400.0, on_progress=None) -> float:
        started = time.monotonic()
        last = None
        while time.monotonic() - started < timeout_s:
            for name, process in self.processes.items():
                if process.poll() is not None:
                    raise RuntimeError(f"{name} exited with {process.returncode}; see {self.var_dir}/log/{name}.log")
            health = self.health()
            if health.get("status") == "ok":
                return time.monotonic() - started
            components = health.get("components")
            if on_progress and components != last:
                on_progress(components)
                last = components
            time.sleep(1.0)
        raise TimeoutError(f"stack not healthy after {timeout_s:.0f} s: {self.health()}")


LOCAL_DATABASE = "postgresql://postgres@127.0.0.1:5432/wellbeing"
LOCAL_REDIS = "redis://127.0.0.1:6379/0"


def scaled_env() -> dict[str, str]:
    """The scaled-out shape on this machine's servers unless DATABASE_URL / REDIS_URL say otherwise;
    the database is created when it does not exist yet."""
    import psycopg

    database = os.environ.get("DATABASE_URL") or LOCAL_DATABASE
    redis_url = os.environ.get("REDIS_URL") or LOCAL_REDIS
    url = urlparse(database)
    name = url.path.lstrip("/")
    admin = url._replace(path="/postgres").geturl()
    try:
        with psycopg.connect(admin, autocommit=True, connect_timeout=5) as connection:
            if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
                connection.execute(f'CREATE DATABASE "{name}"')
                _say(f"created the database {name}")
    except psycopg.Error as error:
        sys.exit(f"error: PostgreSQL at {url.hostname}:{url.port or 5432} is needed for several engines: {error}")
    return {"DATABASE_URL": database, "REDIS_URL": redis_url}


def run(args: argparse.Namespace) -> None:
    model = ensure_model()
    extra_env = scaled_env() if args.engines > 1 else {}
    ports = [args.rasa_port + i for i in range(args.engines)]
    stack = Stack(api_port=args.port, rasa_ports=ports, action_port=args.action_port, model=model,
                  extra_env=extra_env)
    stopping = False

    def shut_down(*_):
        nonlocal stopping
        if stopping:
            return
        stopping = True
        print()
        _say("stopping the API, Rasa and the action server...")
        stack.stop_all()
        _say("stopped")
        sys.exit(0)

    signal.signal(signal.SIGINT, shut_down)
    signal.signal(signal.SIGTERM, shut_down)
    stack.start()
    _say(f"chat page: {stack.api_url}   (health: {stack.api_url}/health, logs: {stack.var_dir}/log/)")
    _say("the dialogue engine needs about 90 s to load; the page works and says so meanwhile. Ctrl-C stops all.")
    try:
        took = stack.wait_ready(on_progress=lambda c: _say(f"waiting: {c}"))
        _say(f"all services ready after {took:.0f} s -> {stack.api_url}")
    except (RuntimeError, TimeoutError) as error:
        _say(f"problem: {error}")
    while True:
        for name, process in list(stack.processes.items()):
            if process.poll() is not None:
                _say(f"{name} stopped unexpectedly (exit {process.returncode}); see {stack.var_dir}/log/{name}.log")
                stack.processes.pop(name)
        time.sleep(2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    run_parser = sub.add_parser("run")
    run_parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", 8000)))
    run_parser.add_argument("--rasa-port", type=int, default=int(os.environ.get("RASA_PORT", 5005)))
    run_parser.add_argument("--action-port", type=int, default=int(os.environ.get("ACTION_PORT", 5055)))
    run_parser.add_argument("--engines", type=int, default=int(os.environ.get("ENGINES", 1)),
                            help="dialogue engines (more than one: PostgreSQL and Redis, local by default)")
    sub.add_parser("train")
    sub.add_parser("model-path")
    args = parser.parse_args()
    if args.command == "run":
        run(args)
    elif args.command == "train":
        ensure_model()
    else:
        print(ensure_model(quiet=True))


if __name__ == "__main__":
    main()

"""Reading the deployment files the way Docker Compose would, without Docker."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
APP_SERVICES = ("web", "worker", "beat")
# ${NAME}, ${NAME:-default}, ${NAME:?error}: compose's interpolation forms.
_INTERPOLATION = re.compile(r"\$\{(?P<name>[A-Z0-9_]+)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}")


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def services() -> dict:
    return compose()["services"]


def env_example() -> dict[str, str]:
    """Every NAME=value line of .env.example, commented out (default shown) or not."""
    entries = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        match = re.match(r"^#?\s?([A-Z][A-Z0-9_]*)=(.*)$", line)
        if match:
            entries.setdefault(match.group(1), match.group(2))
    return entries


def env_example_active() -> dict[str, str]:
    """The uncommented lines: what a copied .env sets."""
    pairs = (line.split("=", 1) for line in (ROOT / ".env.example").read_text().splitlines()
             if re.match(r"^[A-Z][A-Z0-9_]*=", line))
    return {name: value for name, value in pairs}


def interpolate(value: str, env: dict[str, str]) -> str:
    def replace(match: re.Match) -> str:
        name, op, arg = match.group("name", "op", "arg")
        current = env.get(name, "")
        if op and op.endswith("?") and not current:
            raise KeyError(f"{name}: {arg}")
        if op and op.endswith("-") and not current:
            return arg
        return current
    return _INTERPOLATION.sub(replace, value.replace("$$", "\0")).replace("\0", "$")


def service_environment(name: str, dotenv: dict[str, str]) -> dict[str, str]:
    """The environment a service's container gets: env_file (.env) then `environment`."""
    service = services()[name]
    env = dict(dotenv) if service.get("env_file") else {}
    env.update({key: interpolate(str(value), dotenv)
                for key, value in (service.get("environment") or {}).items()})
    return env


def compose_variables() -> set[str]:
    """Variables docker-compose.yml itself interpolates (from .env)."""
    return {m.group("name") for m in _INTERPOLATION.finditer(
        (ROOT / "docker-compose.yml").read_text())}


def required_compose_variables() -> set[str]:
    return {m.group("name") for m in _INTERPOLATION.finditer(
        (ROOT / "docker-compose.yml").read_text()) if (m.group("op") or "").endswith("?")}


ENV_HELPERS = {"env_str", "env_bool", "env_int", "env_float", "env_list", "env_url"}


def variables_read_by_code() -> dict[str, str]:
    """NAME -> file, for every readiness.config helper call with a literal name
    (`config.env_bool("DEBUG")`, `env_str("DATABASE_URL")`) in the application code."""
    found = {}
    for path in sorted([*ROOT.glob("readiness/**/*.py"), *ROOT.glob("reports/**/*.py")]):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            first = node.args[0]
            reads_env = name in ENV_HELPERS or (name in {"get", "getenv"} and ast.unparse(
                func.value if isinstance(func, ast.Attribute) else func) in {"os.environ",
                                                                             "os"})
            if reads_env and isinstance(first, ast.Constant) and isinstance(first.value, str):
                found.setdefault(first.value, str(path.relative_to(ROOT)))
    return found

"""Write the intersphinx inventories the docs build reads offline.

The documentation builds without network access (CI reaches package registries
only), so instead of downloading each project's ``objects.inv`` this script
writes small inventories for the names our API reference mentions, pointing at
the real pages of each project's published documentation:

    python docs/_inventories/make_inventories.py

Run it again when the reference starts to mention a new outside name; the
files are committed.
"""

from __future__ import annotations

import builtins
import inspect
import zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent

STDLIB_MODULES = {
    # module: names documented on its page (all public names are tried)
    "typing": None,
    "collections.abc": None,
    "logging": None,
    "pathlib": ["Path", "PurePath"],
    "datetime": ["date", "datetime", "time", "timedelta", "tzinfo", "timezone"],
    "decimal": ["Decimal"],
    "csv": ["reader", "writer", "DictReader", "DictWriter", "Error"],
    "importlib.metadata": ["EntryPoint", "entry_points", "version", "Distribution"],
    "contextlib": ["contextmanager", "AbstractContextManager"],
    "enum": ["Enum", "IntEnum", "StrEnum"],
    "sqlite3": ["Connection", "Cursor"],
    "zoneinfo": ["ZoneInfo"],
    "email.utils": ["parsedate_to_datetime"],
    "threading": ["Lock", "RLock", "Thread"],
    "types": ["ModuleType"],
}
STDTYPES = ["str", "int", "float", "bool", "bytes", "bytearray", "list", "tuple", "dict",
            "set", "frozenset", "object", "type", "memoryview", "range"]


def python_entries() -> list[tuple[str, str, str]]:
    entries = []
    for name, value in vars(builtins).items():
        if name.startswith("_"):
            continue
        if isinstance(value, type) and issubclass(value, BaseException):
            entries.append((name, "py:exception", f"library/exceptions.html#{name}"))
        elif name in STDTYPES:
            entries.append((name, "py:class", f"library/stdtypes.html#{name}"))
        elif callable(value):
            entries.append((name, "py:function", f"library/functions.html#{name}"))
    entries.append(("None", "py:data", "library/constants.html#None"))
    import importlib

    for module_name, names in STDLIB_MODULES.items():
        module = importlib.import_module(module_name)
        page = f"library/{module_name}.html"
        entries.append((module_name, "py:module", f"{page}#module-{module_name}"))
        public = [n for n in getattr(module, "__all__", dir(module)) if not n.startswith("_")]
        for name in names or public:
            value = getattr(module, name, None)
            if value is None:
                continue
            role = "py:data"
            if callable(value):
                role = "py:class" if inspect.isclass(value) else "py:function"
            if inspect.isclass(value) and issubclass(value, BaseException):
                role = "py:exception"
            entries.append((f"{module_name}.{name}", role, f"{page}#{module_name}.{name}"))
    return entries


def requests_entries() -> list[tuple[str, str, str]]:
    names = {
        "requests.Session": "py:class",
        "requests.Response": "py:class",
        "requests.PreparedRequest": "py:class",
        "requests.Request": "py:class",
        "requests.adapters.HTTPAdapter": "py:class",
        "requests.adapters.BaseAdapter": "py:class",
        "requests.sessions.Session": "py:class",
        "requests.models.Response": "py:class",
        "requests.models.PreparedRequest": "py:class",
        "requests.RequestException": "py:exception",
        "requests.ConnectionError": "py:exception",
        "requests.Timeout": "py:exception",
        "requests.exceptions.RequestException": "py:exception",
        "requests.exceptions.ConnectionError": "py:exception",
        "requests.exceptions.Timeout": "py:exception",
    }
    anchor = {"requests.sessions.Session": "requests.Session",
              "requests.models.Response": "requests.Response",
              "requests.models.PreparedRequest": "requests.PreparedRequest"}
    return [(n, r, f"api/#{anchor.get(n, n)}") for n, r in names.items()]


def pydantic_entries() -> list[tuple[str, str, str]]:
    return [
        ("pydantic.BaseModel", "py:class", "api/base_model/#pydantic.BaseModel"),
        ("pydantic.main.BaseModel", "py:class", "api/base_model/#pydantic.BaseModel"),
        ("pydantic.ValidationError", "py:exception",
         "api/pydantic_core/#pydantic_core.ValidationError"),
        ("pydantic_core.ValidationError", "py:exception",
         "api/pydantic_core/#pydantic_core.ValidationError"),
        ("pydantic.AfterValidator", "py:class",
         "api/functional_validators/#pydantic.functional_validators.AfterValidator"),
        ("pydantic.TypeAdapter", "py:class", "api/type_adapter/#pydantic.type_adapter.TypeAdapter"),
    ]


def write(path: Path, project: str, version: str, entries: list[tuple[str, str, str]]) -> None:
    header = (
        "# Sphinx inventory version 2\n"
        f"# Project: {project}\n"
        f"# Version: {version}\n"
        "# The remainder of this file is compressed using zlib.\n"
    ).encode()
    body = "".join(
        f"{name} {role} 1 {uri} -\n" for name, role, uri in sorted(set(entries))
    ).encode()
    path.write_bytes(header + zlib.compress(body, 9))


def main() -> None:
    write(HERE / "python.inv", "Python", "3", python_entries())
    write(HERE / "requests.inv", "Requests", "2", requests_entries())
    write(HERE / "pydantic.inv", "pydantic", "2", pydantic_entries())


if __name__ == "__main__":
    main()

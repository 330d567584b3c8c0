"""The code's layout: the build engine (hooks/engine/) apart from the site
(hooks/iops/ and the MkDocs hooks), and what the move into it must not break.

The engine may be read without the content model: the site uses the
engine's cache and workers, never the reverse. The build cache's keys still
cover the engine's code, and a cache made before the move (its pickles
naming the modules where they were) is a miss, never a traceback.
"""

from __future__ import annotations

import ast
import pickle
import shutil
import subprocess
import sys
import types
from pathlib import Path

import pytest
from conftest import MKDOCS_YML, REPO, FixtureSite
from engine import page_steps
from engine.cache import Cache

ENGINE = REPO / "hooks/engine"
SITE_MODULES = {"iops", "mkdocs_adapter"}
"""What the engine must not import: the content model and the MkDocs hooks."""


def site_imports(source: str) -> list[str]:
    """The imports in `source` that reach into the site, as written."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            # `from .. import x` would climb out of the engine into hooks/.
            if node.level > 1:
                found.append(f"{'.' * node.level}{node.module or ''}")
            names = [node.module] if node.level == 0 and node.module else []
        else:
            continue
        found += [name for name in names if name.split(".")[0] in SITE_MODULES]
    return found


def test_the_engine_imports_nothing_of_the_site() -> None:
    modules = sorted(ENGINE.glob("*.py"))
    assert {m.stem for m in modules} >= {"cache", "fingerprint", "parallel_build", "workers"}
    wrong = {m.name: names for m in modules if (names := site_imports(m.read_text("utf-8")))}
    assert wrong == {}, "the engine knows nothing of the site (hooks/engine/__init__.py)"


@pytest.mark.parametrize(
    "line",
    [
        "from iops.model import Site",
        "import iops.views",
        "import mkdocs_adapter",
        "from iops import feeds",
        "from ..iops import model",
        "def f():\n    from iops.urls import stable_id\n",
    ],
)
def test_an_import_of_the_site_in_the_engine_is_caught(line: str) -> None:
    source = (ENGINE / "workers.py").read_text("utf-8") + "\n" + line + "\n"
    assert site_imports(source) != []


def _digests(hooks: Path, config: Path) -> list[str]:
    """The page keys' code digests (`parallel_build.code_digests`) and the
    code digest of the parse, feed, output and search caches (their module's
    folder), as a build with `hooks` on its path makes them."""
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "import iops.parsing\n"
        "from engine.fingerprint import environment_digest\n"
        "from engine.parallel_build import code_digests\n"
        "from mkdocs.config import load_config\n"
        "config = load_config(sys.argv[1])\n"
        "print(*code_digests(config), environment_digest(Path(iops.parsing.__file__).parent))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(config)],
        env={"PYTHONPATH": str(hooks), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def test_a_change_to_the_engine_changes_every_key_of_the_cache(
    fixture_site: FixtureSite, tmp_path: Path
) -> None:
    """The engine's code moved out of hooks/iops/, whose folder the parse,
    feed, output and search caches digest; and it sits in a sub-folder of
    hooks/, which the page keys digest. A change to any engine file must
    still make every result new."""
    hooks = tmp_path / "hooks"
    shutil.copytree(REPO / "hooks", hooks, ignore=shutil.ignore_patterns("__pycache__"))
    yml = MKDOCS_YML.format(repo=REPO).replace(f"{REPO}/hooks/", f"{hooks}/")
    config = fixture_site.write("mkdocs.yml", yml)
    before = _digests(hooks, config)
    assert len(before) == 3
    for name in ("workers.py", "cache.py"):
        with (hooks / "engine" / name).open("a", encoding="utf-8") as module:
            module.write("# changed\n")
        after = _digests(hooks, config)
        changed = [old != new for old, new in zip(before, after, strict=True)]
        assert changed == [True, True, True], name
        before = after


def _pickled_under_old_paths(monkeypatch: pytest.MonkeyPatch) -> bytes:
    """A read-pack shard as the build wrote it before the move: a dict of
    `page_steps._CachedRead` (page_steps was a module of its own, in hooks/)
    holding an `iops.cache.Cache` (the cache was part of iops)."""
    with monkeypatch.context() as patched:
        old_steps, old_cache = types.ModuleType("page_steps"), types.ModuleType("iops.cache")
        for module, name in ((old_steps, "_CachedRead"), (old_cache, "Cache")):
            kind = type(name, (), {"__module__": module.__name__})
            setattr(module, name, kind)
            patched.setitem(sys.modules, module.__name__, module)
        reading = old_steps._CachedRead()
        reading.cache = old_cache.Cache()
        return pickle.dumps({"0" * 40: reading}, protocol=pickle.HIGHEST_PROTOCOL)


def test_a_pack_pickled_under_the_old_module_paths_is_a_miss(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = _pickled_under_old_paths(monkeypatch)
    with pytest.raises(ModuleNotFoundError):
        pickle.loads(data)  # noqa: S301 (made above)
    cache = Cache(tmp_path / "pages")
    for shard in page_steps.SHARDS:
        cache.put(shard, data)
    assert cache.get_object(page_steps.SHARDS[0]) is None
    assert page_steps.load_reads(cache) == {}


def test_a_build_over_a_cache_made_before_the_move_succeeds(
    fixture_site: FixtureSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The read pack's shards have fixed names, not keys that the code's
    digest changes: the next build reads them whatever code wrote them."""
    data = _pickled_under_old_paths(monkeypatch)
    cache = Cache(fixture_site.root / ".cache/build/pages")
    for shard in page_steps.SHARDS:
        cache.put(shard, data)
    built = fixture_site.run("build")
    assert built.returncode == 0, built.stderr
    assert "Traceback" not in built.stderr + built.stdout
    assert (fixture_site.root / "site/blog/2014/first/index.html").is_file()

"""What the templates use besides a page's context: `Once`, which renders
the parts many pages share once a process, and Material's stylesheet."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any


class Once:
    """What a macro made for the same arguments, made once in a process:
    ``{{ once(ui.card, card, "h3", root=root, lang=lang) }}``.

    The header and the footer of every page of a section in a language are
    the same HTML but for the path back to the site's root, and so is a
    post's card on every listing: rendering them again took most of a
    page's template time. The macro is rendered once with `ROOT` standing
    for that path, which each page's copy then has in its place. A macro of
    a module imported without context sees only its arguments (and the
    translations, which `lang` stands for), so what it makes for the same
    ones is the same. Arguments are compared by value; dataclasses (cards)
    by identity, as each is made once a build, and kept here so that no
    identity is reused. One per template environment, which each build
    makes anew."""

    ROOT = "\x00root\x00"
    """Stands for the path to the site's root in what is kept (never in a page)."""

    def __init__(self) -> None:
        self.made: dict[tuple[Any, ...], tuple[str, tuple[Any, ...]]] = {}

    def __call__(self, macro: Any, *args: Any, root: str, lang: str) -> str:
        """`root`: the page's path to the site's root; `lang`: the page's
        language, whose translations the macro's words are in."""
        key = (macro, lang, *(id(a) if _is_record(a) else a for a in args))
        made = self.made.get(key)
        if made is None:
            made = self.made[key] = (str(macro(*args, self.ROOT)), args)
        if not root:  # on the home page, a link to the root itself is "./", not ""
            return made[0].replace(f'"{self.ROOT}"', '"./"').replace(self.ROOT, "")
        return made[0].replace(self.ROOT, root)


def _is_record(value: Any) -> bool:
    return hasattr(type(value), "__dataclass_fields__")


@functools.cache
def material_stylesheet() -> str:
    """Material's stylesheet (its name carries a digest of its text): it
    styles the pages' text (.md-typeset); our frame is assets/iops.css."""
    import material

    folder = Path(material.__file__).parent / "templates/assets/stylesheets"
    return f"assets/stylesheets/{min(folder.glob('main.*.min.css')).name}"

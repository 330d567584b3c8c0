"""A deterministic synthetic site of any size, shaped like the real one.

N posts (300–1,500 words, tags, some German, Greek and Japanese text), N/50
chapters across the federation's levels, N/25 members, events and polls in
proportion. The same N always gives the same files.

The words follow Zipf's law, as a language's do: a few short words make up
much of the text and most of the vocabulary is rare. The organisation's
topic words sit where a topic's words do, so a search for one ("solidarity")
finds over half the posts, each using it a time or two. (A text drawn
evenly from thirty words would put every word in every post, dozens of
times, which no real site does and which no search index is built for.)
"""

from __future__ import annotations

import itertools
import random
import shutil
from pathlib import Path

_WORDS = [
    "participation",
    "solidarity",
    "equity",
    "diversity",
    "self-management",
    "ecology",
    "council",
    "workers",
    "assembly",
    "federation",
    "chapter",
    "vision",
    "strategy",
    "economy",
    "planning",
    "balanced",
    "jobs",
    "remuneration",
    "effort",
    "sacrifice",
    "kinship",
    "culture",
    "polity",
    "international",
    "convention",
    "members",
    "proposal",
    "discussion",
    "meeting",
    "organizing",
]
_COMMON = [
    "the",
    "of",
    "and",
    "to",
    "in",
    "a",
    "is",
    "that",
    "for",
    "it",
    "as",
    "with",
    "on",
    "by",
    "be",
    "this",
    "are",
    "from",
    "at",
    "or",
    "an",
    "was",
    "which",
    "we",
    "our",
    "their",
    "not",
    "but",
    "have",
    "has",
    "all",
    "can",
    "more",
    "will",
    "they",
    "its",
    "been",
    "who",
    "these",
    "into",
]
"""The most frequent words, as in English text (about two fifths of it)."""
_RARE = 5000
"""Made-up words of two to four syllables: the long tail of the vocabulary."""
_FOREIGN = {
    "de": ["Solidarität", "Gleichheit", "Vielfalt", "Selbstverwaltung", "Ökologie", "Versammlung"],
    "el": ["αλληλεγγύη", "ισότητα", "ποικιλομορφία", "αυτοδιαχείριση", "οικολογία", "συνέλευση"],
    "ja": ["連帯", "公平", "多様性", "自主管理", "生態系", "集会"],
}
_TAGS = [f"topic-{n}" for n in range(40)]
_COUNTRIES = ["GB", "DE", "US", "AU", "IE", "AT", "TR", "ES", "GR", "JP"]
_ZONES = ["Europe/London", "Europe/Berlin", "America/New_York", "Australia/Melbourne"]


def write_corpus(root: Path, posts: int, *, seed: int = 2012) -> None:
    """Write a complete site (mkdocs.yml included) of `posts` posts under `root`."""
    rng = random.Random(seed)
    if root.exists():
        shutil.rmtree(root)
    repo = Path(__file__).resolve().parent.parent
    (root / "content").mkdir(parents=True)
    config = (repo / "mkdocs.yml").read_text("utf-8")
    config = config.replace("custom_dir: theme", f"custom_dir: {repo / 'theme'}")
    config = config.replace("- hooks/mkdocs_adapter.py", f"- {repo / 'hooks/mkdocs_adapter.py'}")
    config = config[: config.index("\nwatch:")] + config[config.index("\nextra:") :]
    (root / "mkdocs.yml").write_text(config, "utf-8")
    _write(root / "content/index.md", "---\ntitle: Home\n---\nA synthetic site.\n")
    chapters = _write_chapters(root, max(3, posts // 50), rng)
    members = _write_members(root, max(2, posts // 25), chapters, rng)
    for n in range(posts):
        _write_post(root, n, chapters, members, rng)
    for n in range(max(1, posts // 20)):
        _write_event(root, n, chapters, rng)
    for n in range(max(1, posts // 100)):
        _write_poll(root, n, chapters, members, rng)


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")


def _write_chapters(root: Path, count: int, rng: random.Random) -> list[str]:
    national = max(1, count // 20)
    regional = max(1, count // 5)
    names: list[str] = []
    for n in range(count):
        level = "national" if n < national else "regional" if n < national + regional else "local"
        parent = (
            ""
            if level == "national"
            else names[rng.randrange(national if level == "regional" else national + regional)]
        )
        handle = f"chapter-{n}"
        country = _COUNTRIES[n % len(_COUNTRIES)]
        front = (
            f"name: Chapter {n}\nlevel: {level}\nfounded: {2012 + n % 3}-0{1 + n % 9}-1{n % 10}\n"
            f"country: {country}\ntimezone: {_ZONES[n % len(_ZONES)]}\n"
            + (f"parent: {parent}\n" if parent else "")
        )
        _write(root / f"chapters/{handle}/index.md", f"---\n{front}---\n{_text(rng, 60)}\n")
        names.append(handle)
    return names


def _write_members(root: Path, count: int, chapters: list[str], rng: random.Random) -> list[str]:
    handles = []
    for n in range(count):
        handle = f"member-{n}"
        chapter = rng.choice(chapters)
        _write(
            root / f"content/members/{handle}.md",
            f"---\nname: Member {n}\nchapter: {chapter}\njoined: 2013-02-0{1 + n % 9}\n---\n"
            f"{_text(rng, 50)}\n",
        )
        handles.append(handle)
    return handles


def _write_post(
    root: Path, n: int, chapters: list[str], members: list[str], rng: random.Random
) -> None:
    year, month, day = 2012 + n % 14, 1 + n % 12, 1 + n % 28
    lang = rng.choice(["en"] * 7 + list(_FOREIGN))
    tags = ", ".join(sorted(rng.sample(_TAGS, rng.randint(1, 4))))
    folder = f"chapters/{rng.choice(chapters)}/blog" if n % 3 == 0 else "content/blog"
    kind = "news" if n % 5 == 0 else "blog"
    folder = folder.replace("/blog", f"/{kind}")
    front = (
        f"title: Post number {n} on {rng.choice(_WORDS)}\ndate: {year}-{month:02}-{day:02}\n"
        f"author: {rng.choice(members)}\ntags: [{tags}]\n"
        + (f"lang: {lang}\n" if lang != "en" else "")
    )
    body = "\n\n".join(
        [f"## {rng.choice(_WORDS).title()}"]
        + [_text(rng, rng.randint(60, 250), lang) for _ in range(rng.randint(3, 6))]
    )
    _write(root / f"{folder}/{year}-{month:02}-{day:02}-post-{n}.md", f"---\n{front}---\n{body}\n")


def _write_event(root: Path, n: int, chapters: list[str], rng: random.Random) -> None:
    # Spread over the years around the benchmark's "now", so both listings fill.
    year, month, day, hour = 2013 + n % 16, 1 + n % 12, 1 + n % 28, 9 + n % 11
    where = (
        "online: https://meet.example.org/room\n"
        if n % 4 == 0
        else f"location: Hall {n}, Street {n % 90}\n"
    )
    front = (
        f"title: Meeting {n} on {rng.choice(_WORDS)}\n"
        f"start: {year}-{month:02}-{day:02}T{hour:02}:30\n"
        f"end: {year}-{month:02}-{day:02}T{hour + 2:02}:00\n{where}"
    )
    folder = f"chapters/{rng.choice(chapters)}/events" if n % 2 else "content/events"
    _write(
        root / f"{folder}/{year}-{month:02}-{day:02}-meeting-{n}.md",
        f"---\n{front}---\n{_text(rng, rng.randint(40, 120))}\n",
    )


def _write_poll(
    root: Path, n: int, chapters: list[str], members: list[str], rng: random.Random
) -> None:
    year, month = 2013 + n % 14, 1 + n % 12
    questions = "".join(
        f"  - question: Question {q} on {rng.choice(_WORDS)}?\n    options:\n"
        + "".join(
            f"      - label: Option {o}\n        votes: {rng.randint(0, 300)}\n"
            for o in range(rng.randint(2, 5))
        )
        for q in range(rng.randint(1, 3))
    )
    front = (
        f"title: Poll {n} on {rng.choice(_WORDS)}\nopens: {year}-{month:02}-01\n"
        f"closes: {year}-{month:02}-20\nauthor: {rng.choice(members)}\nquestions:\n{questions}"
    )
    folder = f"chapters/{rng.choice(chapters)}/polls" if n % 2 else "content/polls"
    _write(root / f"{folder}/poll-{n}.md", f"---\n{front}---\n{_text(rng, 80)}\n")


def _vocabulary() -> tuple[list[str], list[float]]:
    """The words by rank, and Zipf's cumulative weights for them (1/rank)."""
    syllables = ["ka", "lo", "mer", "ti", "san", "do", "ve", "ru", "nel", "pa", "sho", "gi"]
    made_up = (
        "".join(parts) for size in (2, 3, 4) for parts in itertools.product(syllables, repeat=size)
    )
    rare = list(itertools.islice(made_up, _RARE))
    # The topic words rank just after the first hundred, as a subject's words do.
    words = _COMMON + rare[: 100 - len(_COMMON)] + _WORDS + rare[100 - len(_COMMON) :]
    return words, list(itertools.accumulate(1 / rank for rank in range(1, len(words) + 1)))


_VOCABULARY, _CUMULATIVE = _vocabulary()


def _text(rng: random.Random, words: int, lang: str = "en") -> str:
    drawn = rng.choices(_VOCABULARY, cum_weights=_CUMULATIVE, k=words)
    foreign = _FOREIGN.get(lang)
    if foreign:  # a post in another language: some of its words are that language's
        drawn = [rng.choice(foreign) if rng.random() < 0.3 else word for word in drawn]
    return " ".join(drawn).capitalize() + "."

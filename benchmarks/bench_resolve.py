"""Performance benchmark of diplonorm, side by side with country_converter and countryguess.

Measures, in one run, and prints a Markdown report to stdout (progress goes to stderr):

1. `import` + ready (`Normalizer()` with the bundled data) in fresh subprocesses, against the
   `python -c pass` startup baseline; the same for the peers when they are installed.
2. Exact/variant resolution throughput, fuzzy off and default, cold and warm.
3. Fuzzy throughput on seeded misspellings, with the one-off block index build apart.
4. Accuracy, time per name and pairwise agreement on `benchmarks/variants.tsv`.
5. Resident memory growth of `Normalizer()` (and of the peers), in subprocesses.

Run the full benchmark with the peers installed in the benchmark venv:

    .bench-venv/bin/python benchmarks/bench_resolve.py

`--smoke` runs every section once on tiny inputs (what CI runs). Nothing here asserts on
timing: the goals are printed next to the numbers, and the exit code is 0 unless something
crashes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import logging
import os
import platform
import random
import statistics
import subprocess
import sys
import time
import warnings
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import diplonorm
import diplonorm.text
from benchutil import available, cpu_model, fmt, goal_met, log, plural, table, version_of
from diplonorm.text import normalize

HERE = Path(__file__).resolve().parent
VARIANTS = HERE / "variants.tsv"

#: Goals of the project (printed next to the numbers, never asserted).
GOAL_LOAD_MS = 150.0
GOAL_EXACT_PER_S = 200_000.0
GOAL_FUZZY_PER_S = 5_000.0

#: A name that is no alias and long enough for the fuzzy strategy: it makes a fresh
#: Normalizer build its fuzzy block index without being one of the measured names.
FUZZY_PRIMER = "Zzyzx Qwvbkj"
#: The name every load measurement resolves first.
FIRST_NAME = "Germany"

Answer = str | None


@dataclass(frozen=True)
class Config:
    """Sizes of one benchmark run."""

    smoke: bool
    runs: int
    repeats: int
    exact_limit: int
    warm_passes: int
    fuzzy_states: int
    fuzzy_people: int
    fuzzy_per_name: int
    variants: Path
    variants_step: int
    seed: int


# --------------------------------------------------------------------------------------------
# Subprocess measurements (sections 1 and 5)


@dataclass(frozen=True)
class LoadTarget:
    """How to import a tool, make it ready and call it once, as code for `python -c`."""

    name: str
    module: str
    import_code: str
    ready_code: str
    first_code: str
    note: str


LOAD_TARGETS = (
    LoadTarget(
        "diplonorm",
        "diplonorm",
        "import diplonorm",
        "norm = diplonorm.Normalizer()",
        f"norm.resolve({FIRST_NAME!r})",
        "ready = `Normalizer()` with the bundled compiled index",
    ),
    LoadTarget(
        "country_converter",
        "country_converter",
        "import country_converter",
        "cc = country_converter.CountryConverter()",
        f"cc.convert({FIRST_NAME!r}, to='ISO3', not_found=None)",
        "ready = `CountryConverter()`",
    ),
    LoadTarget(
        "countryguess",
        "countryguess",
        "import countryguess",
        f"countryguess.guess_country({FIRST_NAME!r})",
        "countryguess.guess_country('France')",
        "its data loads on the first `guess_country()`, so ready = import + one call",
    ),
)

_TIMING_CHILD = """
import json, sys, time
t0 = time.perf_counter()
{import_code}
t1 = time.perf_counter()
{ready_code}
t2 = time.perf_counter()
{first_code}
t3 = time.perf_counter()
print(json.dumps({{"import": t1 - t0, "ready": t2 - t1, "first": t3 - t2,
                  "spacy": "spacy" in sys.modules, "pandas": "pandas" in sys.modules}}))
"""

_RSS_CHILD = """
import json, resource
def rss(field="VmRSS:"):
    try:
        with open("/proc/self/status", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith(field):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
out = {{"interpreter": rss()}}
{import_code}
out["import"] = rss()
{ready_code}
out["ready"] = rss()
{extra_code}
out["peak"] = rss("VmHWM:")
print(json.dumps(out))
"""

#: Stages measured after `Normalizer()` (diplonorm only): the fuzzy index and all entities.
_DIPLONORM_RSS_EXTRA = f"""
norm.resolve({FUZZY_PRIMER!r})
out["fuzzy index built"] = rss()
for _entity in norm.gazetteer:
    pass
out["all entities decoded"] = rss()
"""


_FUZZY_BUILD_CHILD = f"""
import json, time
import diplonorm
norm = diplonorm.Normalizer()
norm.resolve({FIRST_NAME!r})
t0 = time.perf_counter()
norm.resolve({FUZZY_PRIMER!r})
t1 = time.perf_counter()
norm.resolve({FUZZY_PRIMER[::-1]!r})
t2 = time.perf_counter()
print(json.dumps({{"first": t1 - t0, "second": t2 - t1}}))
"""


def run_child(code: str) -> tuple[float, str]:
    """Run `python -c code` in a fresh interpreter: (wall seconds, stdout). Raises on failure."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        msg = f"child process failed ({done.returncode}):\n{done.stderr}"
        raise RuntimeError(msg)
    return wall, done.stdout


def last_json(stdout: str) -> Any:
    """The JSON object a child printed last (anything printed before it is ignored)."""
    return json.loads(stdout.strip().splitlines()[-1])


def section_load(cfg: Config) -> str:
    """Section 1: import + ready time in fresh subprocesses, against the startup baseline."""
    log("section 1: load time in fresh subprocesses")
    targets = [t for t in LOAD_TARGETS if available(t.module)]
    missing = [t.name for t in LOAD_TARGETS if not available(t.module)]
    baseline: list[float] = []
    walls: dict[str, list[float]] = {t.name: [] for t in targets}
    inner: dict[str, list[dict[str, Any]]] = {t.name: [] for t in targets}
    # One discarded warm-up round (bytecode compilation, page cache), then interleaved runs.
    for round_no in range(cfg.runs + 1):
        wall, _ = run_child("pass")
        if round_no:
            baseline.append(wall)
        for target in targets:
            code = _TIMING_CHILD.format(
                import_code=target.import_code,
                ready_code=target.ready_code,
                first_code=target.first_code,
            )
            wall, out = run_child(code)
            if round_no:
                walls[target.name].append(wall)
                inner[target.name].append(last_json(out))
    base_med = statistics.median(baseline)
    lines = [
        "## 1. Import + ready in a fresh process",
        "",
        f"{plural(cfg.runs, 'fresh `python -c` subprocess', 'fresh `python -c` subprocesses')} "
        "per tool (after one discarded warm-up "
        "round), interleaved. *In-process* times are `time.perf_counter()` inside the child "
        "around the import and the constructor; *wall* is the whole subprocess minus the "
        "median `python -c pass` baseline. Goal for diplonorm: import + ready "
        f"<= {GOAL_LOAD_MS:.0f} ms, excluding interpreter startup.",
        "",
        f"`python -c pass` startup baseline: median {fmt(base_med * 1e3)} ms, "
        f"min {fmt(min(baseline) * 1e3)} ms.",
        "",
    ]
    rows = []
    for target in targets:
        ready = [(r["import"] + r["ready"]) * 1e3 for r in inner[target.name]]
        imports = [r["import"] * 1e3 for r in inner[target.name]]
        ctor = [r["ready"] * 1e3 for r in inner[target.name]]
        first = [r["first"] * 1e3 for r in inner[target.name]]
        wall_ms = [(w - base_med) * 1e3 for w in walls[target.name]]
        goal = goal_met(statistics.median(ready) <= GOAL_LOAD_MS)
        sample = inner[target.name][0]
        rows.append(
            [
                target.name,
                f"{fmt(statistics.median(imports))} / {fmt(min(imports))}",
                f"{fmt(statistics.median(ctor))} / {fmt(min(ctor))}",
                f"**{fmt(statistics.median(ready))}** / {fmt(min(ready))}",
                f"{fmt(statistics.median(wall_ms))} / {fmt(min(wall_ms))}",
                f"{fmt(statistics.median(first), 2)}",
                f"spaCy {'yes' if sample['spacy'] else 'no'}, "
                f"pandas {'yes' if sample['pandas'] else 'no'}",
                goal if target.name == "diplonorm" else "-",
            ]
        )
    lines.append(
        table(
            [
                "tool",
                "import ms (median / min)",
                "ready ms (median / min)",
                "import + ready ms (median / min)",
                "wall - baseline ms (median / min)",
                "first call ms (median)",
                "imported",
                f"goal <= {GOAL_LOAD_MS:.0f} ms",
            ],
            rows,
        )
    )
    lines.append("")
    lines += [f"- {t.name}: {t.note}" for t in targets]
    lines += [f"- {name}: not installed" for name in missing]
    return "\n".join(lines)


def section_memory() -> str:
    """Section 5: resident set size growth, each tool in its own subprocess."""
    log("section 5: memory")
    lines = [
        "## 5. Memory (resident set size)",
        "",
        "One fresh subprocess per tool; VmRSS from /proc/self/status after each stage "
        "(KiB, converted to MiB); peak from VmHWM (not `ru_maxrss`, which on Linux keeps the "
        "parent's peak across exec). *Later stages* (diplonorm only): after the first fuzzy "
        "call builds the block index, and after every entity of the bundled data is decoded.",
        "",
    ]
    rows = []
    for target in LOAD_TARGETS:
        if not available(target.module):
            rows.append([target.name, "not installed", "", "", "", "", ""])
            continue
        extra = _DIPLONORM_RSS_EXTRA if target.name == "diplonorm" else ""
        code = _RSS_CHILD.format(
            import_code=target.import_code, ready_code=target.ready_code, extra_code=extra
        )
        _, out = run_child(code)
        rss: dict[str, int] = last_json(out)

        def mib(kib: int) -> str:
            return fmt(kib / 1024)

        later = ", ".join(
            f"{key}: {mib(value)}"
            for key, value in rss.items()
            if key not in {"interpreter", "import", "ready", "peak"}
        )
        rows.append(
            [
                target.name,
                mib(rss["interpreter"]),
                f"{mib(rss['import'])} (+{mib(rss['import'] - rss['interpreter'])})",
                f"{mib(rss['ready'])} (**+{mib(rss['ready'] - rss['import'])}**)",
                f"+{mib(rss['ready'] - rss['interpreter'])}",
                later or "-",
                mib(rss["peak"]),
            ]
        )
    lines.append(
        table(
            [
                "tool",
                "interpreter MiB",
                "after import MiB",
                "after ready MiB (growth of ready)",
                "import + ready growth MiB",
                "later stages MiB",
                "peak RSS MiB (VmHWM)",
            ],
            rows,
        )
    )
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# In-process throughput (sections 2 and 3)


def clear_text_caches() -> list[str]:
    """Empty every per-name cache of `diplonorm.text` (`normalize` and its helpers).

    Returns the names of the cleared functions, so the report can say what "cold" means.
    """
    cleared = []
    for name, value in sorted(vars(diplonorm.text).items()):
        clear = getattr(value, "cache_clear", None)
        if callable(clear):
            clear()
            cleared.append(name)
    return cleared


def fresh_normalizer(*, fuzzy: bool = True) -> diplonorm.Normalizer:
    """A new Normalizer (empty result cache) with the `diplonorm.text` caches emptied."""
    clear_text_caches()
    norm = diplonorm.Normalizer(fuzzy=fuzzy)
    gc.collect()
    return norm


def time_pass(norm: diplonorm.Normalizer, names: Sequence[str]) -> float:
    """Seconds to resolve every name once."""
    resolve = norm.resolve
    start = time.perf_counter()
    for name in names:
        resolve(name)
    return time.perf_counter() - start


def exact_names(cfg: Config) -> tuple[list[str], dict[str, str]]:
    """Alias texts of bundled entities that resolve by exact alias (seeded order, capped).

    Also returns the alias kind of each. Building the list decodes the entities it touches,
    which the first resolutions in a process would otherwise do lazily.
    """
    probe = diplonorm.Normalizer(fuzzy=False)
    kinds: dict[str, str] = {}
    for entity in probe.gazetteer:
        for alias in entity.all_aliases():
            kinds.setdefault(alias.text, alias.kind.value)
    texts = sorted(kinds)
    random.Random(cfg.seed).shuffle(texts)
    names: list[str] = []
    for text in texts:
        if len(names) >= cfg.exact_limit:
            break
        result = probe.resolve(text)
        if result is not None and result.method == "exact":
            names.append(text)
    return names, {name: kinds[name] for name in names}


def exact_rates(names: Sequence[str], *, fuzzy: bool, cfg: Config) -> dict[str, list[float]]:
    """names/s per pass kind over `cfg.repeats` rounds of fresh normalizers.

    *cold*: every `diplonorm.text` cache emptied; *new names*: a second fresh normalizer with
    only the `normalize()` cache emptied, so word-level caches are warm as in a long-running
    process that has seen the words before; *warm*: more passes on that normalizer.
    """
    rates: dict[str, list[float]] = {"cold": [], "new names": [], "warm": []}
    for _ in range(cfg.repeats):
        norm = fresh_normalizer(fuzzy=fuzzy)
        rates["cold"].append(len(names) / time_pass(norm, names))
        norm = diplonorm.Normalizer(fuzzy=fuzzy)
        normalize.cache_clear()
        gc.collect()
        rates["new names"].append(len(names) / time_pass(norm, names))
        seconds = sum(time_pass(norm, names) for _ in range(cfg.warm_passes))
        rates["warm"].append(len(names) * cfg.warm_passes / seconds)
    return rates


def normalize_rates(names: Sequence[str], cfg: Config) -> list[float]:
    """names/s of `diplonorm.normalize` alone, its cache cleared: the key-making part."""
    rates: list[float] = []
    for _ in range(cfg.repeats):
        clear_text_caches()
        gc.collect()
        start = time.perf_counter()
        for name in names:
            normalize(name)
        rates.append(len(names) / (time.perf_counter() - start))
    clear_text_caches()
    return rates


def section_exact(cfg: Config) -> str:
    """Section 2: exact/variant throughput, fuzzy off and default, cold and warm."""
    log("section 2: exact throughput")
    names, kinds = exact_names(cfg)
    english = [name for name in names if kinds[name] != "translation"]
    by_kind = ", ".join(
        f"{kind} {count:,}" for kind, count in Counter(kinds.values()).most_common()
    )
    lists = (("all", names), ("English only", english))
    rows = []

    def row(label: str, subset: str, mode: str, rates: list[float], goal: bool) -> list[str]:
        median = statistics.median(rates)
        return [
            label,
            subset,
            mode,
            f"**{fmt(median, 0)}**",
            fmt(max(rates), 0),
            fmt(1e6 / median, 2),
            goal_met(median >= GOAL_EXACT_PER_S) if goal else "-",
        ]

    for label, fuzzy in (("Normalizer(fuzzy=False)", False), ("Normalizer() (default)", True)):
        for subset, chosen in lists:
            rates = exact_rates(chosen, fuzzy=fuzzy, cfg=cfg)
            rows.append(row(label, subset, "cold", rates["cold"], goal=True))
            rows.append(
                row(label, subset, "new names, word caches warm", rates["new names"], goal=True)
            )
            rows.append(row(label, subset, "warm (cached)", rates["warm"], goal=True))
    for subset, chosen in lists:
        rows.append(
            row("`normalize()` alone", subset, "cold", normalize_rates(chosen, cfg), goal=False)
        )
    lines = [
        "## 2. Exact and variant resolution throughput (one core)",
        "",
        f"*all*: {len(names):,} distinct names, every alias text of the bundled entities that "
        "`resolve()` answers with method `exact`, in seeded random order "
        f"({by_kind}); *English only*: the {len(english):,} of them that are not translations "
        "(names, abbreviations, demonyms, metonyms). No date, no country hint. *Cold*: a "
        "fresh `Normalizer` and emptied caches of `diplonorm.text` "
        f"({', '.join(f'`{name}`' for name in clear_text_caches())}), each name once. "
        "*New names, word caches warm*: then another fresh `Normalizer` with only the "
        "`normalize()` cache emptied (per-word caches kept, as in a long-running process "
        "that has seen the words before). *Warm*: that normalizer, "
        f"{plural(cfg.warm_passes, 'more pass', 'more passes')} (every call a cache hit). "
        "The last rows time `diplonorm.normalize` alone (emptied caches), the part of a "
        f"cold call that makes the lookup key. {plural(cfg.repeats, 'repeat')}; median and best. "
        f"Goal: >= {fmt(GOAL_EXACT_PER_S, 0)} names/s.",
        "",
        table(
            [
                "normalizer",
                "names",
                "pass",
                "names/s (median)",
                "names/s (best)",
                "us/name (median)",
                f"goal >= {fmt(GOAL_EXACT_PER_S, 0)}/s",
            ],
            rows,
        ),
    ]
    return "\n".join(lines)


@dataclass(frozen=True)
class Misspelling:
    """A misspelled name, the entity it was made from and how it was made."""

    text: str
    intended: str
    op: str
    at_end: bool


def misspell(word: str, rng: random.Random) -> tuple[str, str]:
    """Drop, duplicate or swap (with its right neighbour) one letter of a name: (text, op).

    A swap keeps the case pattern of the original ("Liberia" -> "Ilberia", not "iLberia").
    """
    letters = [i for i, ch in enumerate(word) if ch.isalpha()]
    for _ in range(20):
        op = rng.choice(("drop", "duplicate", "swap"))
        i = rng.choice(letters)
        if op == "drop":
            out = word[:i] + word[i + 1 :]
        elif op == "duplicate":
            out = word[: i + 1] + word[i].lower() + word[i + 1 :]
        elif i + 1 < len(word) and word[i + 1].isalpha():
            first, second = word[i + 1], word[i]
            first = first.upper() if word[i].isupper() else first.lower()
            second = second.upper() if word[i + 1].isupper() else second.lower()
            out = word[:i] + first + second + word[i + 2 :]
        else:
            continue
        if out.casefold() != word.casefold():
            return out, op
    return word[:-1], "drop"


def _letters(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def misspellings(cfg: Config) -> list[Misspelling]:
    """Misspellings of English state names and of a few person names (seeded)."""
    rng = random.Random(cfg.seed)
    gazetteer = diplonorm.Normalizer(fuzzy=False).gazetteer
    states = sorted(
        (e for e in gazetteer if e.kind is diplonorm.EntityKind.STATE), key=lambda e: e.id
    )
    people = sorted(
        (e for e in gazetteer if e.kind is diplonorm.EntityKind.PERSON), key=lambda e: e.id
    )
    bases = rng.sample(states, min(cfg.fuzzy_states, len(states)))
    bases += rng.sample(people, min(cfg.fuzzy_people, len(people)))
    out: dict[str, Misspelling] = {}
    for entity in bases:
        if sum(ch.isalpha() for ch in entity.name) < 4:
            continue
        for _ in range(cfg.fuzzy_per_name):
            text, op = misspell(entity.name, rng)
            a, b = _letters(text), _letters(entity.name)
            at_end = a != b and (a.startswith(b) or b.startswith(a))
            out.setdefault(text, Misspelling(text, entity.id, op, at_end))
    return list(out.values())


def section_fuzzy(cfg: Config) -> str:
    """Section 3: fuzzy throughput on misspellings; the block index build reported apart."""
    log("section 3: fuzzy throughput")
    items = misspellings(cfg)
    names = [item.text for item in items]
    builds: list[float] = []
    rates: list[float] = []
    norm = fresh_normalizer()
    norm.resolve(FUZZY_PRIMER[::-1])  # makes sure this process has used fuzzy matching once
    for _ in range(cfg.repeats):
        norm = fresh_normalizer()
        start = time.perf_counter()
        norm.resolve(FUZZY_PRIMER)
        builds.append(time.perf_counter() - start)
        rates.append(len(names) / time_pass(norm, names))
    # The index may be shared by every Normalizer of a process: its real one-off cost is
    # the first fuzzy call of a fresh process.
    fresh: list[dict[str, float]] = []
    for _ in range(cfg.repeats):
        fresh.append(last_json(run_child(_FUZZY_BUILD_CHILD)[1]))
    first_ms = [f["first"] * 1e3 for f in fresh]
    second_ms = [f["second"] * 1e3 for f in fresh]
    methods: Counter[str] = Counter()
    outcome: dict[str, Counter[str]] = {}
    for item in items:
        result = norm.resolve(item.text)
        methods[result.method if result else "unresolved"] += 1
        if result is None:
            got = "unresolved"
        elif result.entity_id == item.intended:
            got = "intended entity"
        else:
            got = "another entity"
        groups = [item.op, "all"]
        if item.at_end:
            groups.append("letter added or dropped at the end")
        for group in groups:
            outcome.setdefault(group, Counter())[got] += 1
    n_states = sum(item.intended.startswith("state:") for item in items)
    median = statistics.median(rates)
    examples = ", ".join(f"`{name}`" for name in names[:8])
    outcome_rows = []
    for group in ("drop", "duplicate", "swap", "letter added or dropped at the end", "all"):
        counts = outcome.get(group, Counter())
        total = sum(counts.values())
        cells: list[object] = [group, total]
        for key in ("intended entity", "another entity", "unresolved"):
            share = f" ({fmt(100 * counts[key] / total)}%)" if total else ""
            cells.append(f"{counts[key]:,}{share}")
        outcome_rows.append(cells)
    lines = [
        "## 3. Fuzzy resolution throughput (one core)",
        "",
        f"{len(names):,} distinct misspellings ({n_states:,} of English state names, "
        f"{len(names) - n_states:,} of person names), made with `random.Random({cfg.seed})` "
        f"by dropping, duplicating or swapping one letter (e.g. {examples}). Each repeat: a "
        "fresh default `Normalizer` (cleared caches); its first fuzzy call (an unknown name) "
        "is timed apart, then every misspelling once through the whole chain. The one-off "
        "build of the fuzzy block index over all bundled alias keys is timed where it "
        "happens, in fresh processes: the first fuzzy call after `Normalizer()` (it includes "
        "one query; the second call shows the cost of a query alone). The last row is the "
        "first fuzzy call of a fresh `Normalizer` in a process that has already used fuzzy "
        "matching once: it shows whether each `Normalizer` builds its own index. "
        f"{plural(cfg.repeats, 'repeat')}. "
        f"Goal: >= {fmt(GOAL_FUZZY_PER_S, 0)} names/s.",
        "",
        table(
            [
                "measure",
                "median",
                "best",
                f"goal >= {fmt(GOAL_FUZZY_PER_S, 0)}/s",
            ],
            [
                [
                    "misspellings resolved, names/s",
                    f"**{fmt(median, 0)}**",
                    fmt(max(rates), 0),
                    goal_met(median >= GOAL_FUZZY_PER_S),
                ],
                ["us/name", fmt(1e6 / median, 1), fmt(1e6 / max(rates), 1), ""],
                [
                    "first fuzzy call in a fresh process (builds the index), ms",
                    fmt(statistics.median(first_ms)),
                    fmt(min(first_ms)),
                    "",
                ],
                [
                    "second fuzzy call in that process, ms",
                    fmt(statistics.median(second_ms), 2),
                    fmt(min(second_ms), 2),
                    "",
                ],
                [
                    "first fuzzy call of another fresh Normalizer, same process, ms",
                    fmt(statistics.median(builds) * 1e3, 2),
                    fmt(min(builds) * 1e3, 2),
                    "",
                ],
            ],
        ),
        "",
        "What the misspellings resolved to (by method: "
        + ", ".join(f"{key} {count:,}" for key, count in methods.most_common())
        + "):",
        "",
        table(
            ["misspelling", "names", "intended entity", "another entity", "unresolved"],
            outcome_rows,
        ),
    ]
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# Section 4: the variants list, three tools


@dataclass(frozen=True)
class Variant:
    """One row of variants.tsv: the text, the right ISO3 (None: no country) and its category."""

    text: str
    gold: Answer
    category: str


def read_variants(path: Path) -> list[Variant]:
    """Rows of a `text<TAB>iso3` file; `# category: X` lines name the rows that follow."""
    rows: list[Variant] = []
    category = "uncategorized"
    lines = path.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        if line.startswith("#"):
            if line.startswith("# category:"):
                category = line.split(":", 1)[1].strip()
            continue
        if number == 1 and line == "text\tiso3":
            continue
        text, sep, gold = line.partition("\t")
        if not sep or not text or not gold:
            msg = f"{path}:{number}: expected 'text<TAB>iso3', got {line!r}"
            raise ValueError(msg)
        rows.append(Variant(text, None if gold == "-" else gold, category))
    return rows


@dataclass
class Tool:
    """A resolver under comparison: a fresh instance per repeat, then one call per name."""

    name: str
    make: Callable[[], Callable[[str], Answer]]
    batch: Callable[[list[str]], list[Answer]] | None = None
    timed: bool = True


def diplonorm_tool(
    *, fuzzy: bool, states_only: bool = False
) -> Callable[[], Callable[[str], Answer]]:
    """A factory of diplonorm resolvers: fresh Normalizer, fuzzy index built beforehand.

    The answer is `Resolution.country`; with `states_only`, only when the entity is a state.
    """

    def make() -> Callable[[str], Answer]:
        norm = fresh_normalizer(fuzzy=fuzzy)
        norm.resolve(FUZZY_PRIMER)

        def answer(text: str) -> Answer:
            result = norm.resolve(text)
            if result is None:
                return None
            if states_only and result.kind is not diplonorm.EntityKind.STATE:
                return None
            return result.country

        return answer

    return make


def coco_tools() -> list[Tool]:
    """country_converter, one name per call and the whole list in one call."""
    import country_converter

    logging.getLogger("country_converter").setLevel(logging.CRITICAL)
    converter = country_converter.CountryConverter()
    codes = {str(code) for code in converter.data["ISO3"]}

    def interpret(out: Any) -> Answer:
        # not_found=None gives the input back when nothing matched; several matches a list.
        if isinstance(out, list):
            return "|".join(sorted(str(x) for x in out)) if out else None
        text = str(out)
        return text if text in codes else None

    def make() -> Callable[[str], Answer]:
        def answer(text: str) -> Answer:
            return interpret(converter.convert(text, to="ISO3", not_found=None))

        return answer

    def batch(texts: list[str]) -> list[Answer]:
        out = converter.convert(texts, to="ISO3", not_found=None, enforce_list=False)
        return [interpret(x) for x in out]

    return [Tool("country_converter", make, batch)]


def countryguess_tool() -> Tool:
    """countryguess.guess_country: a dict with 'iso3', or None."""
    import countryguess

    countryguess.guess_country(FIRST_NAME)  # loads its data once, outside the timings

    def make() -> Callable[[str], Answer]:
        def answer(text: str) -> Answer:
            info = countryguess.guess_country(text)
            return None if info is None else str(info["iso3"])

        return answer

    return Tool("countryguess", make)


def short(answer: Answer) -> str:
    """An answer as shown in tables."""
    return "-" if answer is None else answer


def section_variants(cfg: Config) -> str:
    """Section 4: accuracy, time per name and agreement of every tool on the variants list."""
    log("section 4: variants list")
    rows = read_variants(cfg.variants)[:: cfg.variants_step]
    texts = [row.text for row in rows]
    tools = [
        Tool("diplonorm", diplonorm_tool(fuzzy=True)),
        Tool("diplonorm fuzzy=False", diplonorm_tool(fuzzy=False)),
        Tool("diplonorm states only", diplonorm_tool(fuzzy=True, states_only=True), timed=False),
    ]
    missing: list[str] = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if available("country_converter"):
            tools += coco_tools()
        else:
            missing.append("country_converter")
        if available("countryguess"):
            tools.append(countryguess_tool())
        else:
            missing.append("countryguess")
        answers: dict[str, list[Answer]] = {}
        timings: list[list[object]] = []
        for tool in tools:
            log(f"  {tool.name}")
            per_name: list[float] = []
            for _ in range(cfg.repeats if tool.timed else 1):
                answer = tool.make()
                start = time.perf_counter()
                got = [answer(text) for text in texts]
                per_name.append((time.perf_counter() - start) / len(texts))
            answers[tool.name] = got
            if tool.timed:
                timings.append(timing_row(tool.name, "one name per call", per_name))
            if tool.batch is not None:
                batch_times: list[float] = []
                for _ in range(cfg.repeats):
                    start = time.perf_counter()
                    batch_got = tool.batch(texts)
                    batch_times.append((time.perf_counter() - start) / len(texts))
                same = "same answers" if batch_got == got else "**answers differ**"
                timings.append(timing_row(tool.name, f"one list call ({same})", batch_times))
    lines = [
        "## 4. Country-name variants: accuracy, time and agreement",
        "",
        f"`{cfg.variants.name}`: {len(rows)} rows"
        + (f" (every {cfg.variants_step}th row: smoke)" if cfg.variants_step > 1 else "")
        + f", {sum(r.gold is None for r in rows)} of them with no country as the right answer "
        "(`-`: right when the tool gives nothing). diplonorm's answer is `Resolution.country` "
        "(a government body, organization, subdivision or person counts as its country); "
        "*diplonorm states only* takes it only when the entity is a state (same resolutions "
        "as *diplonorm*, not timed apart); country_converter's is "
        "`CountryConverter().convert(name, to='ISO3', not_found=None)` (an answer that is not "
        "an ISO3 code is the input given back: nothing found; several matches count as a "
        "wrong answer); countryguess's is `guess_country(name)['iso3']`.",
        "",
    ]
    lines += [f"- {name}: not installed" for name in missing]
    if missing:
        lines.append("")
    lines += [
        "### Time per name",
        "",
        f"{plural(cfg.repeats, 'repeat')} over the list, a fresh instance each (diplonorm: fresh "
        "`Normalizer`, its fuzzy index built before the clock starts; peers: instance made "
        "and data loaded before). Median and best.",
        "",
        table(["tool", "how", "us/name (median)", "us/name (best)", "names/s (median)"], timings),
        "",
        "### Accuracy against the gold column",
        "",
        accuracy_table(rows, answers),
        "",
        "### Pairwise agreement (same answer, including both giving nothing)",
        "",
        agreement_table(answers),
        "",
        "### Rows diplonorm gets wrong",
        "",
        wrong_rows(rows, answers),
    ]
    others = [name for name in answers if not name.startswith("diplonorm")]
    for name in others:
        wrong = [
            f"`{row.text}` ({short(row.gold)}: {short(got)})"
            for row, got in zip(rows, answers[name], strict=True)
            if got != row.gold
        ]
        lines += [
            "",
            f"<details><summary>{name}: {len(wrong)} wrong rows (gold: answer)</summary>",
            "",
            ", ".join(wrong) or "none",
            "",
            "</details>",
        ]
    return "\n".join(lines)


def timing_row(tool: str, how: str, per_name: list[float]) -> list[object]:
    """One row of the time-per-name table."""
    median = statistics.median(per_name)
    return [
        tool,
        how,
        f"**{fmt(median * 1e6, 2)}**",
        fmt(min(per_name) * 1e6, 2),
        fmt(1 / median, 0),
    ]


def accuracy_table(rows: list[Variant], answers: dict[str, list[Answer]]) -> str:
    """Correct rows per tool: all, rows with a country, rows without, and per category."""
    categories = list(dict.fromkeys(row.category for row in rows))

    def score(name: str, keep: Callable[[Variant], bool]) -> str:
        pairs = [(r, a) for r, a in zip(rows, answers[name], strict=True) if keep(r)]
        if not pairs:
            return "-"
        right = sum(r.gold == a for r, a in pairs)
        return f"{right}/{len(pairs)} ({fmt(100 * right / len(pairs))}%)"

    header = ["rows", *answers]
    body: list[list[object]] = [
        ["**all**", *(f"**{score(n, lambda r: True)}**" for n in answers)],
        ["with a country", *(score(n, lambda r: r.gold is not None) for n in answers)],
        ["no country (`-`)", *(score(n, lambda r: r.gold is None) for n in answers)],
    ]
    for category in categories:

        def in_category(row: Variant, category: str = category) -> bool:
            return row.category == category

        body.append([category, *(score(n, in_category) for n in answers)])
    return table(header, body)


def agreement_table(answers: dict[str, list[Answer]]) -> str:
    """Fraction of rows on which each pair of tools gives the same answer."""
    names = list(answers)
    body = []
    for a in names:
        cells: list[object] = [a]
        for b in names:
            same = sum(x == y for x, y in zip(answers[a], answers[b], strict=True))
            cells.append(f"{fmt(100 * same / len(answers[a]))}%")
        body.append(cells)
    return table(["", *names], body)


def wrong_rows(rows: list[Variant], answers: dict[str, list[Answer]]) -> str:
    """diplonorm's wrong rows with the evidence of its answer."""
    norm = diplonorm.Normalizer()
    body = []
    for i, (row, got) in enumerate(zip(rows, answers["diplonorm"], strict=True)):
        if got == row.gold:
            continue
        result = norm.resolve(row.text)
        if result is None:
            best = norm.candidates(row.text, limit=1)
            why = f"unresolved; best candidate: {best[0].evidence}" if best else "no candidate"
        else:
            why = f"{result.method} -> {result.entity_id} ({result.kind.value}): {result.evidence}"
        peers = ", ".join(
            f"{name} {short(values[i])}" for name, values in answers.items() if name != "diplonorm"
        )
        body.append([f"`{row.text}`", short(row.gold), short(got), row.category, why, peers])
    if not body:
        return "None."
    return table(["text", "gold", "diplonorm", "category", "why", "others"], body)


# --------------------------------------------------------------------------------------------


def header(cfg: Config) -> str:
    """Title, date and machine."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        norm = diplonorm.Normalizer()
    index = "stale or missing: sources indexed at load (slow)" if caught else "current"
    try:
        cores = str(len(os.sched_getaffinity(0)))
    except AttributeError:
        cores = str(os.cpu_count())
    versions = ", ".join(
        f"{name} {version_of(name)}"
        for name in ("diplonorm", "rapidfuzz", "country_converter", "countryguess", "pandas")
    )
    mode = "smoke (tiny inputs, numbers not meaningful)" if cfg.smoke else "full"
    return "\n".join(
        [
            "# diplonorm benchmark",
            "",
            f"- date: {dt.datetime.now(dt.UTC).strftime('%Y-%m-%d %H:%M UTC')}; mode: {mode}",
            f"- machine: {cpu_model()}, {cores} cores available (nproc), "
            f"{platform.system()} {platform.release()}",
            f"- python: {platform.python_implementation()} {platform.python_version()} "
            f"({sys.executable})",
            f"- versions: {versions}",
            f"- bundled data: {norm.gazetteer!r}; compiled index {index}",
            "- bytecode caches: "
            + (
                "off (PYTHONDONTWRITEBYTECODE is set: every import compiles its source, "
                "unlike an installed package)"
                if sys.dont_write_bytecode
                else "on (imports read .pyc files, as in an installed package)"
            ),
        ]
    )


def parse_args(argv: Sequence[str] | None) -> Config:
    """Command-line options to a Config."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--smoke", action="store_true", help="run every section once on tiny inputs"
    )
    parser.add_argument(
        "--runs", type=int, default=11, help="fresh subprocesses per load measurement (>= 7)"
    )
    parser.add_argument("--repeats", type=int, default=5, help="repeats of in-process timings")
    parser.add_argument("--seed", type=int, default=20261123, help="seed of the misspellings")
    parser.add_argument("--variants", type=Path, default=VARIANTS, help="variants TSV file")
    args = parser.parse_args(argv)
    if args.smoke:
        return Config(
            smoke=True,
            runs=1,
            repeats=1,
            exact_limit=200,
            warm_passes=1,
            fuzzy_states=10,
            fuzzy_people=2,
            fuzzy_per_name=1,
            variants=args.variants,
            variants_step=15,
            seed=args.seed,
        )
    return Config(
        smoke=False,
        runs=max(args.runs, 1),
        repeats=max(args.repeats, 1),
        exact_limit=60_000,
        warm_passes=5,
        fuzzy_states=1_000,
        fuzzy_people=12,
        fuzzy_per_name=6,
        variants=args.variants,
        variants_step=1,
        seed=args.seed,
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run every section and print the report."""
    cfg = parse_args(argv)
    started = time.perf_counter()
    sections = [
        header(cfg),
        section_load(cfg),
        section_exact(cfg),
        section_fuzzy(cfg),
        section_variants(cfg),
        section_memory(),
    ]
    print("\n\n".join(sections))
    print(f"\n_Benchmark ran in {fmt(time.perf_counter() - started)} s._")
    return 0


if __name__ == "__main__":
    sys.exit(main())

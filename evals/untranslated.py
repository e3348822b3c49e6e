"""What the English report still lacks: the Chinese segments of the reports of interview cases (read in
deterministic mode) that ``knowledge/report_en.yaml`` does not translate. Run after editing the plan, the indicators
or the report's wording, then add the segments listed (``--yaml`` prints them ready to paste, English left empty).
A Chinese owner's own words outside quotes (the trade: "铁观音", "湘菜连锁") are listed too and need no entry: an
English owner's are English.

``python -m evals untranslated FILES… [--yaml]``
"""
from __future__ import annotations

import re
from pathlib import Path

from advisor.diagnosis.interview import Interview
from advisor.diagnosis.report import Report
from advisor.diagnosis.translation import untranslated
from evals.schema import load_cases

_QUOTED = re.compile(r"“[^”]*”")  # the owner's words: English in an English interview, never in the catalogue


def missing(files: list[Path]) -> list[str]:
    found: dict[str, None] = {}
    for case in (c for c in load_cases(files) if c.kind == "interview"):
        iv = Interview(chat=None)
        iv.start()
        for text in case.turns:
            iv.reply(text)
        report = Report.of_interview(iv).to_markdown(english=False)
        found.update(dict.fromkeys(untranslated(_QUOTED.sub("“”", report))))
    return list(found)


def main(files: list[str], as_yaml: bool) -> int:
    segments = missing([Path(f) for f in files])
    for s in segments:
        print(f'  "{s}": ""' if as_yaml else s)
    print(f"# {len(segments)} segments untranslated")
    return 0

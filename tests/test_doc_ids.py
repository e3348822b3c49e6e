"""#25 item 3 (document ids): look-alikes of an existing id in other scripts, other strokes, with marks, fillers or a
suffix are refused; different ids are not."""
from __future__ import annotations

import pytest
from test_hostile_input import _kb
from test_hostile_input import test_document_ids_that_look_like_the_guide_are_refused as refused_like_the_guide

GUIDE = "T/TJBDA 002—2026"


@pytest.mark.parametrize("look_alike", [
    "Т/ТЈВDА 002—2026",  # Cyrillic Т, Ј, В, А
    "T/TJBDΑ 002—2026",  # Greek Alpha
    "T/TJBDA 002一2026", "T/TJBDA 002ー2026", "T/TJBDA 002─2026", "T/TJBDA 002⸺2026",  # other strokes for the dash
    "T/TJBDA OO2—2026",  # letter O for zero
    "T/TJBDA 002—2026\u0301",  # a combining mark
    "T/TJBDA\u3164002—2026", "T/TJBDA\u2800002—2026",  # Hangul filler, Braille blank
    "T/TJBDA 002—2026 附录",  # the guide's id plus a suffix
])
def test_look_alikes_of_the_guides_id_are_refused(tmp_path, look_alike):
    refused_like_the_guide(tmp_path, look_alike)  # the same check, other look-alikes


def test_ids_that_merely_share_a_beginning_are_still_different(tmp_path):
    kb = _kb(tmp_path)
    for n, doc_id in enumerate(["GB/T 1", "GB/T 12", "T/TJBDA 003—2026"]):
        doc = tmp_path / f"doc{n}.txt"
        doc.write_text("1 范围\n本文件用于测试。\n", "utf-8")
        assert kb.add_document(doc, doc_id=doc_id).doc_id == doc_id

"""The report's charts as PNG bytes: the priorities matrix, the dimension radar and the roadmap timeline. Chinese
fonts come from the ``mplfonts`` package, not the system; ``say`` puts each label in the report's language."""
from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path

Say = Callable[[str], str]


def draw_matrix(priorities: list, say: Say) -> bytes:
    plt, _ = _pyplot()
    fig, ax = plt.subplots(figsize=(5, 4), dpi=100)
    ax.axhline(5, color="#999", lw=0.8)
    ax.axvline(5, color="#999", lw=0.8)
    seen: dict[tuple[float, float], int] = {}
    for x in priorities:  # scenes on the same spot are fanned out so every name can be read
        k = seen[(x.ease, x.value)] = seen.get((x.ease, x.value), -1) + 1
        ax.scatter(x.ease - 0.3 * k, x.value - 0.8 * k, s=60, color="#1f6feb" if x.quadrant == "先做" else "#8fb8f5")
        ax.annotate(say(x.label), (x.ease - 0.3 * k, x.value - 0.8 * k), textcoords="offset points",
                    xytext=(-52, -3), fontsize=8)
    for (tx, ty), name in {(7.5, 10.3): "先做", (2.5, 10.3): "重点投入", (7.5, -0.8): "顺手做",
                           (2.5, -0.8): "暂缓"}.items():
        ax.text(tx, ty, say(name), ha="center", fontsize=9, color="#555")
    ax.set_xlim(-0.5, 10.5)
    ax.set_ylim(-1.2, 11)
    ax.set_xlabel(say("易做程度（前置条件、成本、预算、人员）"))
    ax.set_ylabel(say("价值（痛点、约束性场景、行业、损失）"))
    ax.set_title(say("先做什么：价值 × 难易（本工具估算）"))
    return _png(fig)


def draw_radar(dims: dict, say: Say) -> bytes:
    """Dimension score rates (estimate, with the low–high band)."""
    plt, np = _pyplot()
    keys = ("foundation", "management", "results")
    labels = [say(x) for x in ("数字化基础", "数字化管理", "数字化成效")]
    values = [dims[k]["estimate"] / dims[k]["points"] for k in keys]
    lows = [dims[k]["low"] / dims[k]["points"] for k in keys]
    highs = [dims[k]["high"] / dims[k]["points"] for k in keys]
    angles = np.linspace(0, 2 * np.pi, len(labels), endpoint=False).tolist()
    ring = angles + angles[:1]
    fig = plt.figure(figsize=(4, 4), dpi=100)
    ax = fig.add_subplot(111, polar=True)
    ax.fill_between(ring, lows + lows[:1], highs + highs[:1], alpha=0.15, color="#1f6feb", label=say("可能范围"))
    ax.plot(ring, values + values[:1], color="#1f6feb", label=say("估计"))
    ax.fill(ring, values + values[:1], alpha=0.25, color="#1f6feb")
    ax.set_xticks(angles)
    ax.set_xticklabels(labels)
    ax.set_ylim(0, 1)
    ax.set_title(say("维度得分率（估计）"))
    ax.legend(loc="lower right", bbox_to_anchor=(1.15, -0.1), fontsize=8)
    return _png(fig)


def draw_timeline(stages: list, say: Say) -> bytes:
    """The staged roadmap (试点→整合→融合→协同): skipped stages named, the starting stage marked."""
    plt, _ = _pyplot()
    fig, ax = plt.subplots(figsize=(7, 2.6), dpi=100)
    start = 0.0
    colours = {"start": "#1f6feb", "later": "#8fb8f5"}
    labels = []
    for row, stage in enumerate(stages):
        if stage.status == "skipped":
            labels.append(say(f"{stage.label}\n（已具备，跳过）"))
            continue
        span = months(stage.duration_months)[1]  # the guide's upper bound: plan for the longer case
        ax.barh(row, span, left=start, color=colours[stage.status], height=0.5)
        labels.append(say(f"{stage.label}{'（起步）' if stage.status == 'start' else ''}\n{stage.duration_months}"))
        start += span
    ax.set_yticks(range(len(stages)))
    ax.set_yticklabels(labels, fontsize=9)
    ax.invert_yaxis()
    ax.set_xlabel(say("自起步起的月数（阶段时长为本工具的建议，指南未规定；指南 6.4.3.2：每阶段细分为 3–6 个月的迭代）"))
    ax.set_xlim(0, max(start, 12) + 2)
    ax.set_title(say("分阶段路线图"))
    ax.grid(axis="x", alpha=0.3)
    return _png(fig)


def months(duration: str) -> tuple[float, float]:
    """"6–12个月" → (6, 12); "24个月以上" → (24, 36)."""
    numbers = [float(n) for n in re.findall(r"\d+", duration)]
    if not numbers:
        return 0.0, 6.0
    if len(numbers) == 1:
        return numbers[0], numbers[0] + 12
    return numbers[0], numbers[1]


def _pyplot():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np
    _use_cjk_font()
    return plt, np


def _png(fig) -> bytes:
    import matplotlib.pyplot as plt
    buf = io.BytesIO()
    fig.savefig(buf, format="png", bbox_inches="tight")
    plt.close(fig)
    return buf.getvalue()


def _use_cjk_font() -> None:
    """Register a CJK font shipped by the mplfonts package (Noto Sans CJK) with matplotlib."""
    import matplotlib
    import mplfonts
    from matplotlib import font_manager
    root = Path(mplfonts.__file__).parent / "fonts"
    for font in sorted(root.glob("*")):
        if font.suffix.lower() in (".otf", ".ttf", ".ttc") and ("CJK" in font.name or "Noto" in font.name or
                                                                  "SC" in font.name):
            font_manager.fontManager.addfont(str(font))
            name = font_manager.FontProperties(fname=str(font)).get_name()
            matplotlib.rcParams["font.family"] = [name]
            matplotlib.rcParams["axes.unicode_minus"] = False
            return
    raise RuntimeError("mplfonts 未提供中文字体")

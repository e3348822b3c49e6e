"""``python -m advisor``: index, search, ask, interview, add/remove documents, prepare the model. Thin: every command
calls the library.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from advisor.config import load_settings
from advisor.llm.backends import backend_choices
from advisor.rendering import progress_printer


def _settings(args):
    overrides = {}
    if getattr(args, "llm", None):
        overrides["llm"] = args.llm
    return load_settings(Path(args.config) if args.config else None, **overrides)


def cmd_index(args) -> int:
    from advisor.qa.index import ClauseIndex
    from advisor.corpus.knowledge_base import KnowledgeBase
    settings = _settings(args)
    kb = KnowledgeBase.load(settings)
    index = ClauseIndex(settings, kb)
    state = index.ensure(rebuild=args.rebuild, progress=progress_printer())
    print(f"索引{'已重建' if state == 'built' else '已是最新'}：{len(kb.documents)} 个文档，{len(kb.clauses())} 条记录 "
          f"（{settings.store}，{index.collection_name}）")
    return 0


def cmd_search(args) -> int:
    from advisor.qa.retrieval import Filters, Retriever
    settings = _settings(args)
    retriever = Retriever.from_settings(settings)
    found = retriever.search(args.query, k=args.k, filters=Filters(doc_id=args.doc, chapter=args.chapter))
    if args.json:
        print(found.model_dump_json(indent=2))
        return 0
    print(f"查询：{found.query}  扩展词：{'、'.join(found.expanded_terms) or '无'}  相关度：{found.relevance:.2f}"
          f"{'  → 判定为知识库未涵盖' if found.refused else ''}  （{found.latency_ms:.0f} ms）")
    for i, r in enumerate(found.results, start=1):
        bm25 = f"{r.bm25_score:.2f}#{r.bm25_rank}" if r.bm25_rank else "-"
        dense = f"{r.dense_score:.3f}#{r.dense_rank}" if r.dense_rank else "-"
        print(f"{i:2d}. {r.doc_id} {r.clause_id} {r.title}  融合={r.score:.4f} BM25={bm25} 向量={dense} "
              f"{'[条款号直达]' if r.via == 'lookup' else ''} 命中词：{'、'.join(r.matched_terms[:6])}")
    return 0


def cmd_ask(args) -> int:
    from advisor.qa.answer import Answer
    from advisor.service import Advisor
    advisor = Advisor(_settings(args), progress=progress_printer())
    final: Answer | None = None
    for event in advisor.qa.stream(args.question):
        if isinstance(event, Answer):
            final = event
        elif not args.json:
            print(event, end="", flush=True)
    if args.json:
        payload = final.model_dump(exclude={"retrieval"})
        payload["cited"] = final.cited_ids()
        payload["citations_valid"] = final.citations_valid
        print(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        print()
        marks = "、".join(f"{c.clause_id}{'✓' if c.verified else '✗'}" for c in final.citations)
        print(f"\n— 模式：{final.mode}；引用核验：{marks or '无'}"
              f"{'；回退原因：' + final.fallback_reason if final.fallback_reason else ''}")
    return 0


def cmd_add(args) -> int:
    from advisor.service import Advisor
    advisor = Advisor(_settings(args))
    try:
        doc = advisor.add_document(Path(args.file), doc_id=args.doc_id, progress=progress_printer())
    except ValueError as exc:
        print(f"无法添加：{exc}", file=sys.stderr)
        return 2
    print(f"已添加 {doc.doc_id}：{len(doc.sections)} 个条款")
    return 0


def cmd_remove(args) -> int:
    from advisor.service import Advisor
    advisor = Advisor(_settings(args))
    try:
        advisor.remove_document(args.doc_id, progress=progress_printer())
    except (KeyError, ValueError) as exc:
        print(f"无法删除：{exc}", file=sys.stderr)
        return 2
    print(f"已删除 {args.doc_id}")
    return 0


def cmd_prepare_model(args) -> int:
    from advisor.llm.model_files import prepare_model
    settings = _settings(args)
    path = prepare_model(settings.model_cache_dir, progress=progress_printer())
    print(f"本地模型就绪：{path}")
    return 0


def cmd_hash_password(args) -> int:
    import getpass

    from advisor.access import hash_password
    password = getpass.getpass("顾问密码：")
    if len(password) < 8 or password != getpass.getpass("再输入一次："):
        print("密码至少 8 位，且两次输入须一致。", file=sys.stderr)
        return 2
    print(hash_password(password))
    print("把上面一行设为 ADVISOR_CONSULTANT_PASSWORD_HASH（或配置文件中的 consultant_password_hash）。", file=sys.stderr)
    return 0


def cmd_interview(args) -> int:
    """An interview through the advisor's sessions, as on the page: the same reports (the model's summary, T0 → T1),
    and a session that can be resumed, exported, or kept under an enterprise for later comparison. A script's turns
    stop once the owner's words end the interview ("结束访谈"), as on the page (the evals feed every turn)."""
    import yaml

    from advisor.service import Advisor
    turns = None
    if args.script:
        cases = yaml.safe_load(Path(args.script).read_text("utf-8"))
        case = next((c for c in (cases if isinstance(cases, list) else [cases])
                     if not args.case or c.get("id") == args.case), None)
        if not case or not case.get("turns"):
            print(f"脚本中没有找到{'用例 ' + args.case if args.case else '含 turns 的用例'}", file=sys.stderr)
            return 2
        turns = [str(t) for t in case["turns"]]
    advisor = Advisor(_settings(args))
    advisor.prepare_reader()  # now, not in the page's background thread, which a short run would end while it imports
    session_id, interview = advisor.open_interview(None)
    print(f"顾问：{interview.state.turns[0].reply}\n")
    while not interview.state.finished:
        if turns is None:
            try:
                text = input("企业> ")
            except EOFError:
                break
        elif turns:
            text = turns.pop(0)
            print(f"企业：{text}")
        else:
            break
        interview, turn = advisor.interview_reply(session_id, text)
        print(f"顾问：{turn.reply}\n")
    if args.enterprise:
        advisor.set_enterprise(session_id, args.enterprise)
    report = advisor.report(session_id)
    if not args.report:
        print(report.to_markdown())
        return 0
    try:
        print(f"报告已写入 {report.write(Path(args.report))}（会话 {session_id}）")
    except ValueError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    return 0


def cmd_session(args) -> int:
    from advisor.service import Advisor, SessionNotFound
    advisor = Advisor(_settings(args))
    if args.action == "purge":
        print(f"已删除 {advisor.sessions.purge(args.days)} 个超过 {args.days} 天未更新的会话")
        return 0
    try:
        if args.action == "export":
            print(advisor.export_session(args.session_id))
        elif advisor.delete_session(args.session_id):
            print(f"已删除会话 {args.session_id}")
        else:
            raise SessionNotFound(args.session_id)
    except SessionNotFound:
        print(f"没有找到会话 {args.session_id}", file=sys.stderr)
        return 2
    return 0


def cmd_enterprise(args) -> int:
    """``enterprise list | show NAME | compare NAME``: enterprises followed over time (sessions named in the app or by
    ``interview --enterprise``)."""
    import time as _time

    from advisor.service import Advisor
    advisor = Advisor(_settings(args))
    day = lambda t: _time.strftime("%Y-%m-%d", _time.localtime(t))  # noqa: E731
    if args.action == "list":
        rows = advisor.enterprises()
        for name, count, first, last in rows:
            print(f"{name}\t{count} 次诊断\t{day(first)} → {day(last)}")
        if not rows:
            print("还没有企业记录（在网页“我的数据”里填写企业名称，或用 interview --enterprise）")
        return 0
    if not args.name:
        print("请给出企业名称", file=sys.stderr)
        return 2
    history = advisor.enterprise_sessions(args.name)
    if not history:
        print(f"没有找到企业“{args.name}”", file=sys.stderr)
        return 2
    if args.action == "show":
        for sid, snap in history:
            print(f"{snap.date}\t{snap.level}\t总分约{snap.score:.1f}\t痛点：{'、'.join(snap.pains.values()) or '无'}\t{sid}")
        return 0
    comparison = advisor.compare_enterprise(args.name)
    if comparison is None:
        print(f"“{args.name}”只有一次诊断，还不能比较", file=sys.stderr)
        return 2
    print("\n".join(comparison.markdown()))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m advisor", description="数转顾问：中小企业数字化转型诊断顾问")
    parser.add_argument("--config", help="TOML 配置文件（也可用环境变量 ADVISOR_CONFIG）")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("index", help="建立或检查知识库索引")
    p.add_argument("--rebuild", action="store_true")
    p.set_defaults(func=cmd_index)

    p = sub.add_parser("search", help="检索条款（显示各检索器得分）")
    p.add_argument("query")
    p.add_argument("-k", type=int, default=5)
    p.add_argument("--doc", help="只在该文档中检索")
    p.add_argument("--chapter", help="只在该章节下检索，如 5 或 5.3")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("ask", help="条款问答")
    p.add_argument("question")
    p.add_argument("--llm", choices=backend_choices())
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("interview", help="诊断访谈（交互式或按脚本）并生成报告")
    p.add_argument("--script", help="访谈脚本 YAML（evals 的 interview 用例格式）")
    p.add_argument("--case", help="脚本含多个用例时选择的用例 id")
    p.add_argument("--report", help="报告输出路径：.md / .docx / .json")
    p.add_argument("--llm", choices=backend_choices())
    p.add_argument("--enterprise", help="把这次访谈记入该企业（可与以前的诊断比较：enterprise compare）")
    p.set_defaults(func=cmd_interview)
    p = sub.add_parser("enterprise", help="企业的历次诊断：list | show 名称 | compare 名称（T0→T1）")
    p.add_argument("action", choices=["list", "show", "compare"])
    p.add_argument("name", nargs="?")
    p.set_defaults(func=cmd_enterprise)

    p = sub.add_parser("add", help="向知识库添加文档（txt/md/pdf/docx）")
    p.add_argument("file")
    p.add_argument("--doc-id")
    p.set_defaults(func=cmd_add)

    p = sub.add_parser("remove", help="从知识库删除用户添加的文档")
    p.add_argument("doc_id")
    p.set_defaults(func=cmd_remove)

    p = sub.add_parser("session", help="导出或删除访谈会话数据")
    p.add_argument("action", choices=["export", "delete", "purge"])
    p.add_argument("session_id", nargs="?", default="")
    p.add_argument("--days", type=int, default=180, help="purge：删除超过该天数未更新的会话")
    p.set_defaults(func=cmd_session)

    p = sub.add_parser("prepare-model", help="拼接并校验内置本地模型")
    p.set_defaults(func=cmd_prepare_model)
    p = sub.add_parser("hash-password", help="生成顾问密码的哈希（在本机以外提供服务时需要）",
                       description="交互输入顾问密码（至少 8 位，输入两次），打印其 PBKDF2-SHA256 哈希（pbkdf2_sha256$迭代次数$盐$摘要）。"
                                   "把它设为 ADVISOR_CONSULTANT_PASSWORD_HASH，并把顾问账号名设为 ADVISOR_CONSULTANT_USER；"
                                   "明文密码不落盘。其他机器访问时所用的主机名须列入 ADVISOR_ALLOWED_HOSTS"
                                   "（JSON 列表，例如 '[\"advisor.example.com\"]'）。")
    p.set_defaults(func=cmd_hash_password)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)

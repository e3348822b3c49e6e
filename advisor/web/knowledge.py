"""The knowledge-base tab (consultants): upload with a parse preview, add, remove; every change audited."""
from __future__ import annotations

from pathlib import Path

import gradio as gr

from advisor.corpus.parsing import DocKind
from advisor.corpus.readers import supported_label, supported_suffixes
from advisor.rendering import documents_markdown, inline, preview_markdown
from advisor.service import Advisor


def knowledge_tab(advisor: Advisor) -> dict:
    ui: dict = {"docs_md": gr.Markdown(elem_id="kb-docs")}
    with gr.Row(equal_height=False):
        with gr.Column():
            limit = f"≤{advisor.settings.max_upload_bytes // 2**20} MiB"
            ui["upload"] = gr.File(label=f"上传文档（{supported_label()}，{limit}）", file_types=list(supported_suffixes()),
                                   type="filepath", elem_id="upload")
            ui["upload_id"] = gr.Textbox(label="文档编号（可选，默认用文件名）", max_lines=1, elem_id="upload-id")
            ui["add_btn"] = gr.Button("解析无误，加入知识库", variant="primary", elem_id="add-doc")
            ui["kb_message"] = gr.Markdown(elem_id="kb-message")
        with gr.Column():
            ui["preview"] = gr.Markdown(elem_id="preview")
            ui["remove_choice"] = gr.Dropdown(label="删除用户添加的文档", choices=[], allow_custom_value=True)
            ui["remove_btn"] = gr.Button("删除所选文档", variant="stop")
    return ui


def wire_knowledge(demo: gr.Blocks, advisor: Advisor, kb: dict) -> None:
    def user_documents() -> gr.Dropdown:
        docs = [d.doc_id for d in advisor.retriever.kb.documents if d.kind == DocKind.user]
        return gr.Dropdown(choices=docs, value=None)

    def preview_upload(path: str | None) -> str:
        if not path:
            return ""
        try:
            return preview_markdown(advisor.preview_document(Path(path)), Path(path).name)
        except ValueError as exc:
            return f"⚠ 无法解析：{inline(str(exc))}"

    def add_upload(path: str | None, doc_id: str, request: gr.Request, progress=gr.Progress()):  # noqa: B008
        if not path:
            raise gr.Error("请先选择要上传的文件。")
        progress(0, desc="解析文档（独立进程，有时间和内存上限）")
        try:
            doc = advisor.add_document(Path(path), doc_id=(doc_id or "").strip() or None,
                                       progress=lambda done, total, label: progress((done, total), desc=label),
                                       who=getattr(request, "username", None) or "local")
        except ValueError as exc:
            advisor.forget_upload(Path(path))  # a refused upload does not stay in the page's cache
            raise gr.Error(str(exc)) from None
        return (f"✓ 已加入知识库：{inline(doc.doc_id)}（{len(doc.sections)} 个条款），已可在条款问答中检索。",
                documents_markdown(advisor.retriever.kb), user_documents(), None)

    def remove_upload(doc_id: str | None, request: gr.Request, progress=gr.Progress()):  # noqa: B008
        if not doc_id:
            raise gr.Error("请选择要删除的文档。")
        try:
            advisor.remove_document(doc_id, progress=lambda done, total, label: progress((done, total), desc=label),
                                    who=getattr(request, "username", None) or "local")
        except (KeyError, ValueError) as exc:
            raise gr.Error(f"无法删除：{exc}") from None
        return f"已删除文档 {inline(doc_id)}，索引已更新。", documents_markdown(advisor.retriever.kb), user_documents()

    demo.load(lambda: (documents_markdown(advisor.retriever.kb), user_documents()),
              outputs=[kb["docs_md"], kb["remove_choice"]], api_name=False)
    kb["upload"].change(preview_upload, inputs=kb["upload"], outputs=kb["preview"], api_name="preview")
    kb["add_btn"].click(add_upload, inputs=[kb["upload"], kb["upload_id"]],
                        outputs=[kb["kb_message"], kb["docs_md"], kb["remove_choice"], kb["upload"]],
                        api_name="add_document")
    kb["remove_btn"].click(remove_upload, inputs=kb["remove_choice"],
                           outputs=[kb["kb_message"], kb["docs_md"], kb["remove_choice"]], api_name="remove_document")

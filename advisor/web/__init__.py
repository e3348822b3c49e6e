"""The web page's parts (Gradio), one module per tab; ``app.py`` puts them together. Each part is laid out by a
``*_tab()`` function and wired by ``wire_*()``; handlers only call the :class:`advisor.service.Advisor` they are
given."""

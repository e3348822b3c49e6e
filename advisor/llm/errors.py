"""The one failure every caller of a model handles: fall back to the deterministic path and say so."""


class LLMUnavailable(RuntimeError):
    """The model is not configured, failed, timed out or produced unusable output."""

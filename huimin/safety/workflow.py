"""The content-safety step of the publishing workflow (placeholder: its behaviour is added here)."""


class SafetyTaskMixin:
    pass

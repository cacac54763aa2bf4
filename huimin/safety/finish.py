"""What a finished workflow does (settings.WAGTAIL_FINISH_WORKFLOW_ACTION). Wagtail imports this setting while
its own models load, so this module imports nothing at load time; the guard lives in `publish.py`."""


def publish_workflow_state(workflow_state, user=None):
    """Publish the workflow's latest revision, unless it has a veto finding (`publish.guard_revision`)."""
    from .publish import guard_revision

    revision = workflow_state.content_object.get_latest_revision()
    guard_revision(revision)
    revision.publish(user=user)

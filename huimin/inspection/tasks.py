from django_tasks import task


@task()
def patrol_task(ids: list[int]) -> int:
    """Patrol the given targets now (an administrator asked for it in the admin)."""
    from . import services

    return len(services.patrol(force=True, ids=ids))

"""Admin integration of the services app: guide checker messages and report, handling statistics."""

from . import statistics_admin  # noqa: F401 - registers the 办事统计 admin views

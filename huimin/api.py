"""/api/v1/: the one public API, assembled here beside the URL tree from every app's Router."""

from huimin.core.api import build_api
from huimin.letters.api import router as letters
from huimin.opendata.api import router as datasets
from huimin.policies.api import router as policies
from huimin.search.api import router as search
from huimin.search.qa_api import router as qa
from huimin.workdays.api import router as calendar

api = build_api()
api.add_router("/policies", policies)
api.add_router("/calendar", calendar)
api.add_router("/letters", letters)
api.add_router("/datasets", datasets)
api.add_router("/search", search)
api.add_router("/qa", qa)

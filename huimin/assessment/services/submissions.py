"""Placeholder: replaced by 信息报送 and 采用."""

LOG_ACTIONS: dict = {}

"""The check ids and severities of inspection findings. The ids are a contract: reports, scores and other
tools name them exactly as written here."""

from enum import StrEnum


class Check(StrEnum):
    UNREACHABLE = "unreachable"
    BROKEN_LINK = "broken_link"
    LINK_CAUTION = "link_caution"
    HOMEPAGE_STALE = "homepage_stale"
    COLUMN_STALE = "column_stale"
    COLUMN_EMPTY = "column_empty"
    MISSING_SITE_TAGS = "missing_site_tags"
    MISSING_COLUMN_TAGS = "missing_column_tags"
    MISSING_CONTENT_TAGS = "missing_content_tags"
    SITE_CODE_INVALID = "site_code_invalid"
    FOOTER_INCOMPLETE = "footer_incomplete"
    ERROR_REPORT_ENTRY_MISSING = "error_report_entry_missing"
    SENSITIVE_EXPRESSION = "sensitive_expression"
    PRIVACY_LEAK = "privacy_leak"
    ACCESSIBILITY = "accessibility"
    INSECURE = "insecure"
    DARK_LINK = "dark_link"
    # From the platform's own database, for the group's sites only:
    POLICY_UNINTERPRETED = "policy_uninterpreted"


class Severity(StrEnum):
    VETO = "veto"
    DEDUCT = "deduct"
    WARN = "warn"
    INFO = "info"

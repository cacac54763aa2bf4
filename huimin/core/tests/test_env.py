"""Settings come from the environment through strict readers that name the variable at fault."""

import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from huimin.core.env import Env, parse_database_url


@pytest.mark.parametrize("url", ["mysql://u:p@h/db", "postgres//u:p@h/db", "not a url", "", "ftp://x/y"])
def test_it_refuses_a_database_url_of_an_unknown_kind(url):
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        Env({"DATABASE_URL": url}).database("DATABASE_URL", "sqlite:///x.db") if url else parse_database_url(
            url
        )


@pytest.mark.parametrize("url", ["postgres://u:p@host:notaport/db", "postgres://u:p@host:5432/"])
def test_it_refuses_a_malformed_postgres_url(url):
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        parse_database_url(url)


def test_it_reads_postgres_and_sqlite_urls():
    pg = parse_database_url("postgres://huimin:secret@127.0.0.1:5433/huimin")
    assert (pg["ENGINE"], pg["NAME"], pg["PORT"], pg["PASSWORD"]) == (
        "django.db.backends.postgresql",
        "huimin",
        5433,
        "secret",
    )
    lite = parse_database_url("sqlite:////srv/huimin/huimin.sqlite3")
    assert lite["NAME"] == "/srv/huimin/huimin.sqlite3"
    assert "journal_mode=WAL" in lite["OPTIONS"]["init_command"]


@pytest.mark.parametrize(("raw", "expected"), [("1", True), ("yes", True), ("OFF", False), ("0", False)])
def test_it_reads_booleans(raw, expected):
    assert Env({"DEBUG": raw}).bool("DEBUG") is expected


@pytest.mark.parametrize(("reader", "raw"), [("bool", "maybe"), ("int", "12x")])
def test_it_refuses_values_it_cannot_read_and_names_the_variable(reader, raw):
    with pytest.raises(ImproperlyConfigured, match="SOME_VAR"):
        getattr(Env({"SOME_VAR": raw}), reader)("SOME_VAR")


def test_it_refuses_an_integer_below_its_minimum():
    with pytest.raises(ImproperlyConfigured, match="EMAIL_PORT must be at least 1"):
        Env({"EMAIL_PORT": "0"}).int("EMAIL_PORT", minimum=1)


def _huimin(args, **env):
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "SECRET_KEY", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    return subprocess.run(
        [sys.executable, "-m", "huimin", *args],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_start_up_stops_on_a_malformed_database_url_naming_the_variable():
    result = _huimin(["check"], DATABASE_URL="postgres://u:p@host:notaport/db")
    assert result.returncode == 2
    assert "DATABASE_URL" in result.stderr and "Traceback" not in result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    result = _huimin(
        ["check"],
        DJANGO_SETTINGS_MODULE="huimin.settings.production",
        WAGTAILADMIN_BASE_URL="https://www.example.gov.cn",
    )
    assert result.returncode == 2
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_the_development_secret_and_a_short_one():
    for key in ("insecure-development-key-never-used-in-production", "short"):
        result = _huimin(
            ["check"],
            DJANGO_SETTINGS_MODULE="huimin.settings.production",
            SECRET_KEY=key,
            WAGTAILADMIN_BASE_URL="https://www.example.gov.cn",
        )
        assert result.returncode == 2 and "SECRET_KEY" in result.stderr


def test_production_refuses_to_turn_the_second_factor_off():
    result = _huimin(
        ["check"],
        DJANGO_SETTINGS_MODULE="huimin.settings.production",
        SECRET_KEY="k" * 50,
        WAGTAILADMIN_BASE_URL="https://www.example.gov.cn",
        HUIMIN_SECOND_FACTOR="0",
    )
    assert result.returncode == 2 and "HUIMIN_SECOND_FACTOR" in result.stderr


def test_production_starts_with_its_secrets(tmp_path):
    result = _huimin(
        ["check", "--deploy", "--fail-level", "ERROR"],
        DJANGO_SETTINGS_MODULE="huimin.settings.production",
        SECRET_KEY="k" * 50,
        WAGTAILADMIN_BASE_URL="https://www.example.gov.cn",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    assert result.returncode == 0, result.stderr


def test_production_passes_the_deployment_checks_with_no_warning(tmp_path):
    result = _huimin(
        ["check", "--deploy", "--fail-level", "WARNING"],
        DJANGO_SETTINGS_MODULE="huimin.settings.production",
        SECRET_KEY="k9#Lq2@zP8!mW4&vR7^tY1*uE5(oI3)pA6-x" * 2,
        WAGTAILADMIN_BASE_URL="https://www.example.gov.cn",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        HUIMIN_VAR_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout

"""The admin speaks simplified Chinese: Huimin's catalogue fills every gap of Wagtail's zh_Hans catalogues
(and its compiled .mo says what the .po says), Wagtail's own screens and Huimin's read without English, the
JavaScript catalogue carries Huimin's strings, and every audit log action has a Chinese name."""

import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings

from huimin.core.i18n import missing_translations, read_po
from huimin.core.tests.admin_text import english_words

LOCALE = Path(settings.BASE_DIR) / "huimin" / "locale" / "zh_Hans" / "LC_MESSAGES"


def test_every_string_of_the_installed_apps_has_a_chinese_translation():
    gaps = missing_translations()
    assert gaps == [], f"{len(gaps)} 条缺少译文，运行 huimin i18n-gaps 查看，例如：{gaps[:5]}"


def test_locale_paths_points_at_huimins_catalogue():
    assert LOCALE.parent.parent in [Path(p) for p in settings.LOCALE_PATHS]


@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_the_shipped_mo_says_what_the_po_says(domain):
    entries = read_po(LOCALE / f"{domain}.po")
    assert entries, "the catalogue is empty"
    with open(LOCALE / f"{domain}.mo", "rb") as handle:
        catalogue = gettext.GNUTranslations(handle)._catalog
    for entry in entries:
        assert entry.translated, entry.msgid
        msgid = entry.msgid if entry.context is None else f"{entry.context}\x04{entry.msgid}"
        key = (msgid, 0) if entry.plural is not None else msgid
        assert catalogue.get(key) == entry.strings[0], f"{domain}.mo is stale for {entry.msgid!r}: run msgfmt"
    assert len([k for k in catalogue if k != "" and not (isinstance(k, tuple) and k[0] == "")]) == len(
        entries
    )


def test_translations_keep_every_placeholder_they_need():
    placeholder = re.compile(r"%\(\w+\)[sd]|\{\w+\}")
    for domain in ("django", "djangojs"):
        for entry in read_po(LOCALE / f"{domain}.po"):
            allowed = set(placeholder.findall(entry.msgid + (entry.plural or "")))
            used = set(placeholder.findall(entry.strings[0]))
            assert used <= allowed, (entry.msgid, used - allowed)
            # an unnumbered %s or %d must stay: it is filled by position
            assert entry.strings[0].count("%s") == max(entry.msgid.count("%s"), 0) or "%(" in entry.msgid


def test_the_i18n_gaps_command_reports_none(capsys):
    from django.core.management import call_command

    call_command("i18n-gaps", check=True)
    assert "缺少译文：0 条" in capsys.readouterr().out


# --- the JavaScript catalogue and the audit log's action names --------------------------------------------


@pytest.mark.django_db
def test_the_javascript_catalogue_carries_huimins_strings(client, django_user_model):
    client.defaults["HTTP_HOST"] = "127.0.0.1:8000"
    client.force_login(django_user_model.objects.create_superuser("js-reader", password="not-used-here"))
    response = client.get("/admin/jsi18n/")
    assert response.status_code == 200
    body = response.content.decode("utf-8")
    assert "Autosave in progress" in body  # the key
    assert "\\u6b63\\u5728\\u81ea\\u52a8\\u4fdd\\u5b58" in body or "正在自动保存" in body


def test_every_audit_log_action_has_a_chinese_name():
    from wagtail.log_actions import registry

    english = {action: label for action, label in registry.get_choices() if english_words(str(label))}
    assert english == {}

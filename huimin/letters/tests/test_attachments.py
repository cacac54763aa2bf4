"""Attachments: checked by content and size with clear Chinese messages, kept private, downloaded only by
the citizen who opened the letter and by the staff who may see it."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from huimin.letters import attachments, services
from huimin.letters.models import Attachment, Letter
from huimin.letters.tests.test_admin import _client, staff  # noqa: F401  (fixture)
from huimin.letters.tests.test_public_pages import FOLLOW, VALID, WRITE, confirmed, solved
from huimin.sites.tests.html import soup

pytestmark = pytest.mark.django_db


def png(size=(40, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "white").save(out, "PNG")
    return out.getvalue()


def docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def send(client, *files, **changes):
    """The form with files, then 确认提交 on the review page (a refused form is returned as it is)."""
    client.defaults["HTTP_HOST"] = "127.0.0.1:8000"
    return confirmed(client, client.post(WRITE, {**VALID, **solved(), "attachments": list(files), **changes}))


def test_a_letter_is_sent_with_its_files_and_the_citizen_can_download_them(client, demo):
    response = send(
        client, upload("现场照片.png", png()), upload("说明.pdf", PDF), upload("材料.docx", docx())
    )
    assert response.status_code == 200
    letter = Letter.objects.get(query_code=soup(response.content).select(".code")[0].get_text())
    files = list(letter.attachments.all())
    assert [(f.name, f.kind) for f in files] == [
        ("现场照片.png", "png"),
        ("说明.pdf", "pdf"),
        ("材料.docx", "docx"),
    ]
    assert all(attachments.storage().exists(f.file.name) and "现场" not in f.file.name for f in files)
    assert "附件 3 个" in letter.events.get(action="submit").note
    page = client.get(FOLLOW + f"?id={letter.pk}").content.decode()
    assert "现场照片.png" in page
    download = client.get(f"/hudong/liuyan/chaxun/fujian/{files[0].pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == png()
    assert download["Content-Type"] == "image/png" and download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Disposition"].startswith("attachment;")
    stranger = client.__class__(HTTP_HOST="127.0.0.1:8000")
    assert stranger.get(f"/hudong/liuyan/chaxun/fujian/{files[0].pk}/").status_code == 404


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("病毒.exe", b"MZ\x90\x00", "不支持“.exe”类型的附件"),
        ("页面.html", b"<script>alert(1)</script>", "不支持“.html”类型的附件"),
        ("无扩展名", b"data", "不支持“无扩展名”类型的附件"),
        ("伪装.png", b"<script>alert(1)</script>", "内容与其类型不符或已损坏"),
        ("伪装.pdf", png(), "内容与其类型不符或已损坏"),
        ("截断.png", png()[:60], "内容与其类型不符或已损坏"),
        ("压缩包.docx", b"PK\x03\x04broken", "内容与其类型不符或已损坏"),
        ("空.pdf", b"", "是空文件"),
        ("大.pdf", PDF + b"0" * (1024 * 1024), "超过 1 MB"),
        ("超大图.png", png((8000, 8000)), "内容与其类型不符或已损坏"),
    ],
)
def test_a_refused_file_is_named_with_the_reason_and_nothing_is_stored(
    client, demo, settings, name, content, message
):
    settings.HUIMIN_LETTER_ATTACHMENT_MAX_MB = 1
    before = Attachment.objects.count()
    response = send(client, upload(name, content))
    assert response.status_code == 400
    text = soup(response.content).get_text()
    assert message in text and "附件需要重新选择" in text
    assert soup(response.content).find(attrs={"name": "title"})["value"] == VALID["title"]
    assert not Letter.objects.filter(contact_phone=VALID["contact_phone"]).exists()
    assert Attachment.objects.count() == before


def test_too_many_files_are_refused(client, demo):
    response = send(client, *[upload(f"{i}.pdf", PDF) for i in range(4)])
    assert response.status_code == 400 and "附件最多 3 个" in response.content.decode()


def test_a_file_name_with_markup_is_shown_as_text(client, demo):
    response = send(client, upload("<img src=x onerror=alert(1)>.png", png()))
    letter = Letter.objects.get(query_code=soup(response.content).select(".code")[0].get_text())
    assert "<" not in letter.attachments.get().name
    assert "<img src=x" not in client.get(FOLLOW + f"?id={letter.pk}").content.decode()


def test_the_files_are_removed_when_the_letter_cannot_be_stored(demo, monkeypatch, staff):  # noqa: F811
    def broken(letter):
        raise RuntimeError("database went away")

    monkeypatch.setattr(services.dispatch_link, "enqueue", broken)
    data = services.LetterData(
        site=staff["site"], kind="complaint", title="t", content="c", contact_name="张三",
        contact_phone="13800000000", attachments=[upload("a.pdf", PDF)],
    )  # fmt: skip
    saved, real_save = [], attachments.save
    monkeypatch.setattr(attachments, "save", lambda up, kind: saved.append(real_save(up, kind)) or saved[-1])
    with pytest.raises(RuntimeError):
        services.submit_letter(data)
    assert saved and not attachments.storage().exists(saved[0])
    assert not Letter.objects.filter(title="t").exists()


def test_only_staff_who_may_see_the_letter_download_its_files(client, staff):  # noqa: F811
    data = services.LetterData(
        site=staff["site"], kind="complaint", title="河道", content="c", contact_name="张三",
        contact_phone="13800000000", attachments=[upload("照片.png", png())],
    )  # fmt: skip
    letter, _ = services.submit_letter(data)
    services.dispatch(letter, staff["water"], actor=staff["dispatcher"])
    url = f"/admin/letters/{letter.pk}/fujian/{letter.attachments.get().pk}/"
    assert _client(client, staff["water-handler"]).get(url).status_code == 200
    assert "照片.png" in client.get(f"/admin/letters/{letter.pk}/").content.decode()
    assert _client(client, staff["education-handler"]).get(url).status_code == 404
    other = f"/admin/letters/{letter.pk}/fujian/{letter.attachments.get().pk + 1000}/"
    assert _client(client, staff["dispatcher"]).get(other).status_code == 404


def test_an_unknown_attachment_type_in_the_settings_is_an_error(settings):
    from django.core.checks import run_checks

    settings.HUIMIN_LETTER_ATTACHMENT_TYPES = ["pdf", "exe"]
    errors = [m for m in run_checks() if m.id == "huimin.E020"]
    assert len(errors) == 1 and "exe" in errors[0].msg

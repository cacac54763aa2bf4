"""The Varnish configuration operators copy from docs/operations.md is the one the tests start."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_the_documented_vcl_is_the_shipped_file():
    vcl = (ROOT / "huimin" / "pagecache" / "data" / "varnish.vcl").read_text()
    operations = (ROOT / "docs" / "operations.md").read_text()
    assert f"```vcl\n{vcl}```" in operations
    # The tags Huimin bans by are the ones the middleware sets.
    from huimin.pagecache.enums import HOST_HEADER, TAGS_HEADER

    assert f"obj.http.{HOST_HEADER}" in vcl and f"obj.http.{TAGS_HEADER}" in vcl

"""A host no site claims answers 404 in Chinese, never 500; known hosts and the admin host work."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "host",
    ["evil.example", "unknown.localhost:8000", "127.0.0.2", "x" * 300, "shuyang.localhost.evil.example"],
)
@pytest.mark.parametrize("path", ["/", "/gzdt/", "/admin/", "/no/such/page/"])
def test_an_unknown_host_answers_not_found(client, demo, host, path):
    response = client.get(path, HTTP_HOST=host)
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


@pytest.mark.parametrize("host", ["bad host!", "<script>", "a.example:port"])
def test_a_malformed_host_header_is_a_bad_request(client, demo, host):
    assert client.get("/", HTTP_HOST=host).status_code == 400


@pytest.mark.parametrize(
    "host", ["127.0.0.1:8000", "shuyang.localhost:8000", "SLJ.localhost:8000", "jyj.localhost"]
)
def test_the_hosts_of_the_group_are_served(client, demo, host):
    assert client.get("/", HTTP_HOST=host).status_code == 200


def test_a_missing_page_on_a_known_host_answers_not_found_in_chinese(client, demo):
    response = client.get("/no/such/page/", HTTP_HOST="127.0.0.1:8000")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_the_admin_login_is_served_on_the_admin_host(client, demo):
    assert client.get("/admin/login/", HTTP_HOST="localhost:8000").status_code == 200

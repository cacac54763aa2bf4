"""A method an API address does not take is answered in Chinese, as JSON, with the methods it does take."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("method", ["post", "put", "delete", "patch"])
def test_a_wrong_method_gets_a_chinese_json_405_naming_the_allowed_ones(client, method):
    response = getattr(client, method)("/api/v1/calendar/deadline", HTTP_HOST="127.0.0.1")
    assert response.status_code == 405
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": "此地址不支持该请求方法，可用的方法：GET。"}
    assert response["Allow"] == "GET"

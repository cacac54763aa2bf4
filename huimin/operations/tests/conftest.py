import pytest


@pytest.fixture
def client(client):
    """The test client on an admin host (the group answers 404 for a host no site claims)."""
    client.defaults["HTTP_HOST"] = "127.0.0.1"
    return client

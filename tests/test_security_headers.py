"""The headers that limit what a page may do in the browser, on the public site and in the admin."""

import pytest

pytestmark = pytest.mark.django_db


def directives(response):
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


def test_the_public_site_runs_no_inline_script_and_may_not_be_framed(client, home_de):
    response = client.get(home_de.url)
    policy = directives(response)
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert response["X-Frame-Options"] == "DENY"


def test_the_search_page_and_the_api_carry_the_policy_too(client, home_de):
    for url in ("/de/search/?q=Stein", "/api/v1/search/?q=Stein", "/map/entries.geojson"):
        assert directives(client.get(url))["script-src"] == ["'self'"], url


def test_the_admin_may_run_wagtails_inline_scripts_and_frame_its_previews(admin_client):
    policy = directives(admin_client.get("/admin/"))
    assert "'unsafe-inline'" in policy["script-src"]
    assert policy["frame-ancestors"] == ["'self'"]


def test_a_tile_server_is_allowed_for_images_only(settings):
    import importlib

    import memoria.settings.base as base

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MEMORIA_MAP_TILE_URL", "https://tiles.example.org/{z}/{x}/{y}.png")
        reloaded = importlib.reload(base)
        assert "https://tiles.example.org" in reloaded.CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"]
        assert "https://tiles.example.org" not in reloaded.CONTENT_SECURITY_POLICY["DIRECTIVES"]["script-src"]
    importlib.reload(base)

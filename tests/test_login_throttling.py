"""Wagtail's admin log-in is throttled (django-axes): a handful of failures, then a pause, with no user enumeration."""

import pytest

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.create_user(
        "redaktion", "redaktion@example.org", "richtiges-passwort", is_staff=True, is_superuser=True
    )


def attempt(client, username, password, address="203.0.113.5"):
    return client.post(
        LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address, HTTP_ACCEPT_LANGUAGE="de"
    )


def test_after_the_limit_even_the_right_password_is_refused_for_a_while(client, editor, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt(client, "redaktion", "falsch").status_code == 200  # the form again, with its error
    locked = attempt(client, "redaktion", "falsch")
    assert locked.status_code == 429
    assert "Anmeldung pausiert" in locked.content.decode()
    # From another address too: the user name is locked.
    refused = attempt(client, "redaktion", "richtiges-passwort", address="198.51.100.7")
    assert refused.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_user_name_that_does_not_exist_is_locked_the_same_way(client, editor, settings):
    """Same pages, same status for a name that exists and one that does not: nothing to enumerate."""
    statuses = {}
    for username in ("redaktion", "niemand"):
        address = "203.0.113.10" if username == "redaktion" else "203.0.113.11"
        answers = [attempt(client, username, "falsch", address=address) for _ in range(settings.AXES_FAILURE_LIMIT)]
        statuses[username] = [answer.status_code for answer in answers]
    assert statuses["redaktion"] == statuses["niemand"] == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]


def test_one_address_trying_many_names_is_locked(client, editor, settings):
    for number in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, f"name{number}", "falsch", address="192.0.2.99")
    assert attempt(client, "redaktion", "richtiges-passwort", address="192.0.2.99").status_code == 429
    # The right password from an address without failures still logs in.
    assert attempt(client, "redaktion", "richtiges-passwort", address="192.0.2.100").status_code == 302


def test_a_success_before_the_limit_resets_the_count(client, editor, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(client, "redaktion", "falsch")
    assert attempt(client, "redaktion", "richtiges-passwort").status_code == 302
    client.logout()
    assert attempt(client, "redaktion", "falsch").status_code == 200

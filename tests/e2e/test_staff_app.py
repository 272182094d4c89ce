"""The staff review app as `make run` starts it: on 127.0.0.1, every page but /login behind sign-in."""

from __future__ import annotations

import os

import pytest
import requests

BASE = f"http://127.0.0.1:{os.environ.get('STAFF_PORT', '8000')}"


def test_login_page_is_served_with_a_csrf_token():
    r = requests.get(f"{BASE}/login", timeout=10)
    assert r.status_code == 200 and 'name="csrf_token"' in r.text
    cookie = r.headers.get("Set-Cookie", "")
    assert cookie.startswith("clinicbot_staff=") and "HttpOnly" in cookie


@pytest.mark.parametrize("path", ["/bookings", "/bookings.csv", "/escalations", "/bookings/1", "/escalations/1", "/audit"])
def test_pages_need_signing_in(path):
    r = requests.get(f"{BASE}{path}", timeout=10, allow_redirects=False)
    assert r.status_code == 302 and "/login" in r.headers["Location"]


def test_forged_sign_in_without_csrf_is_refused():
    r = requests.post(f"{BASE}/login", data={"username": "admin", "password": "x" * 12}, timeout=10)
    assert r.status_code == 400

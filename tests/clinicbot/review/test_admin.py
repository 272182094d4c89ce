"""The admin page (staff accounts) and the audit log's filters, over Flask's test client."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from clinicbot.review.passwords import verify_password
from clinicbot.store.models import AuditEvent
from clinicbot.store.staff import find_user
from tests.clinicbot.review.conftest import PASSWORD, csrf, sign_in

NEW_PASSWORD = "a brand new password"
IST = ZoneInfo("Asia/Kolkata")


def events(engine):
    with Session(engine, future=True) as s:
        return [
            (e.username, e.action, e.target, e.detail) for e in s.scalars(select(AuditEvent).order_by(AuditEvent.id))
        ]


def account(engine, name):
    with Session(engine, future=True) as s:
        return find_user(s, name)


@pytest.fixture
def admin(client):
    assert sign_in(client, "admin").status_code == 302
    return client


@pytest.fixture
def rita(app):
    other = app.test_client()
    assert sign_in(other, "rita").status_code == 302
    return other


def post(client, path, **data):
    return client.post(path, data={"csrf_token": csrf(client, "/admin/accounts"), **data})


def uid(engine, name):
    return account(engine, name).id


def test_the_admin_page_is_for_admins(client, rita, admin, engine):
    assert client.application.test_client().get("/admin/accounts").status_code == 302  # signed out: to /login
    assert rita.get("/admin/accounts").status_code == 403
    assert (
        rita.post(
            f"/admin/accounts/{uid(engine, 'admin')}/disable", data={"csrf_token": csrf(rita, "/bookings")}
        ).status_code
        == 403
    )
    html = admin.get("/admin/accounts").get_data(as_text=True)
    assert 'id="account-rita"' in html and "admin (you)" in html
    assert admin.get("/admin").headers["Location"].endswith("/admin/accounts")
    assert ("admin", "view_list", "accounts", "") in events(engine)


@pytest.mark.parametrize("action", ["unlock", "disable", "enable", "remove", "reset-password"])
def test_every_change_needs_the_csrf_token(admin, engine, action):
    response = admin.post(f"/admin/accounts/{uid(engine, 'rita')}/{action}", data={"confirm": "rita"})
    assert response.status_code == 400
    assert account(engine, "rita").active == 1


def test_disabled_account_is_signed_out_and_cannot_sign_in(admin, rita, engine, app):
    assert rita.get("/bookings").status_code == 200
    post(admin, f"/admin/accounts/{uid(engine, 'rita')}/disable")
    assert account(engine, "rita").active == 0
    response = rita.get("/bookings")  # the open session ends on its next request
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert sign_in(app.test_client(), "rita").status_code == 401
    post(admin, f"/admin/accounts/{uid(engine, 'rita')}/enable")
    assert sign_in(app.test_client(), "rita").status_code == 302
    actions = [e[1:3] for e in events(engine)]
    assert ("account_disable", "staff:rita") in actions and ("account_enable", "staff:rita") in actions


def test_a_new_password_ends_the_sessions(admin, rita, engine, app):
    path = f"/admin/accounts/{uid(engine, 'rita')}/reset-password"
    post(admin, path, password=NEW_PASSWORD, password_again="not the same password")
    assert verify_password(account(engine, "rita").password_hash, PASSWORD)  # unchanged: the two differed
    post(admin, path, password=NEW_PASSWORD, password_again=NEW_PASSWORD)
    assert verify_password(account(engine, "rita").password_hash, NEW_PASSWORD)
    assert rita.get("/bookings").status_code == 302
    assert sign_in(app.test_client(), "rita", PASSWORD).status_code == 401
    assert sign_in(app.test_client(), "rita", NEW_PASSWORD).status_code == 302
    assert admin.get("/bookings").status_code == 200  # the admin's own session goes on
    logged = events(engine)
    assert ("admin", "account_reset_password", "staff:rita", "") in logged
    assert NEW_PASSWORD not in repr(logged)


def test_unlock(admin, engine, app):
    other = app.test_client()
    for _ in range(5):
        sign_in(other, "rita", "not the password")
    assert sign_in(other, "rita").status_code == 429
    post(admin, f"/admin/accounts/{uid(engine, 'rita')}/unlock")
    assert sign_in(other, "rita").status_code == 302
    assert ("admin", "account_unlock", "staff:rita", "") in events(engine)


def test_remove_needs_the_name_typed(admin, engine, app):
    rid = uid(engine, "rita")
    post(admin, f"/admin/accounts/{rid}/remove", confirm="someone")
    assert account(engine, "rita") is not None
    post(admin, f"/admin/accounts/{rid}/remove", confirm="rita")
    assert account(engine, "rita") is None
    assert sign_in(app.test_client(), "rita").status_code == 401
    assert ("admin", "account_remove", "staff:rita", "") in events(engine)


@pytest.mark.parametrize("action", ["disable", "remove"])
def test_an_admin_cannot_disable_or_remove_themselves(admin, engine, action):
    response = post(admin, f"/admin/accounts/{uid(engine, 'admin')}/{action}", confirm="admin")
    assert response.status_code == 302
    assert account(engine, "admin").active == 1
    assert "your own account" in admin.get("/admin/accounts").get_data(as_text=True)
    assert ("admin", "account_refused", "staff:admin", action) in events(engine)


def test_add_an_account(admin, engine, app):
    post(admin, "/admin/accounts", username="Sam", role="reviewer", password="short", password_again="short")
    assert account(engine, "sam") is None
    post(admin, "/admin/accounts", username="Sam", role="reviewer", password=NEW_PASSWORD, password_again=NEW_PASSWORD)
    assert account(engine, "sam").role == "reviewer"
    assert sign_in(app.test_client(), "sam", NEW_PASSWORD).status_code == 302
    assert ("admin", "account_add", "staff:sam", "role reviewer") in events(engine)


def test_unknown_actions_and_accounts_are_404(admin, engine):
    assert post(admin, f"/admin/accounts/{uid(engine, 'rita')}/promote").status_code == 404
    assert post(admin, "/admin/accounts/99999/disable").status_code == 404


# -- the audit log's filters ----------------------------------------------------------------------


def add_events(engine, specs):
    with Session(engine, future=True) as s, s.begin():
        s.query(AuditEvent).delete()
        for who, what, at in specs:
            s.add(AuditEvent(at=at, username=who, action=what, target="booking:1", detail="", remote_addr=""))


IST_MIDNIGHT = datetime(2025, 3, 2, 18, 30, tzinfo=timezone.utc)  # 3 March 2025, 00:00 in India
SPECS = [
    ("rita", "view", IST_MIDNIGHT - timedelta(minutes=1)),  # 2 March in India
    ("rita", "export", IST_MIDNIGHT + timedelta(minutes=1)),  # 3 March
    ("sam", "view", IST_MIDNIGHT + timedelta(hours=12)),  # 3 March
    ("sam", "view", IST_MIDNIGHT + timedelta(days=1, minutes=1)),  # 4 March
]


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ("", {0, 1, 2, 3}),
        ("person=rita", {0, 1}),
        ("action=view", {0, 2, 3}),
        ("person=sam&action=view", {2, 3}),
        ("date_from=2025-03-03&date_to=2025-03-03", {1, 2}),  # the clinic's day, not UTC's
        ("date_from=2025-03-04", {3}),
        ("date_to=2025-03-02", {0}),
    ],
)
def test_audit_filters(admin, engine, query, shown):
    add_events(engine, SPECS)
    html = admin.get(f"/audit?{query}").get_data(as_text=True)
    found = {
        i
        for i, (_, _, at) in enumerate(SPECS)
        if f'<td data-label="When">{at.astimezone(IST):%d %b %Y %H:%M}</td>' in html
    }
    assert found == shown


def test_audit_filters_are_audited_by_name_only(admin, engine):
    add_events(engine, SPECS)
    admin.get("/audit?person=rita&action=export&date_from=2025-03-01")
    with Session(engine, future=True) as s:
        last = s.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert (last.action, last.target, last.detail) == ("view_list", "audit", "action,date_from,person")


def test_unknown_audit_filter_values_are_dropped_kindly(admin, engine):
    add_events(engine, SPECS)
    html = admin.get("/audit?person=<b>x</b>&action=nuke&date_to=soon").get_data(as_text=True)
    assert "person filter was left out" in html and "Unknown action ignored" in html and "not a date" in html
    assert "<b>x</b>" not in html and "4 found" in html


def test_audit_pages_keep_their_filters(admin, engine):
    add_events(
        engine,
        [("sam", "view", IST_MIDNIGHT + timedelta(seconds=i)) for i in range(150)] + [("rita", "view", IST_MIDNIGHT)],
    )
    html = admin.get("/audit?person=sam").get_data(as_text=True)
    assert "150 found · page 1 of 2" in html
    assert 'href="/audit?page=2&amp;person=sam"' in html
    assert "page 2 of 2" in admin.get("/audit?person=sam&page=2").get_data(as_text=True)


def test_the_audit_log_stays_for_admins(rita):
    assert rita.get("/audit?person=rita").status_code == 403


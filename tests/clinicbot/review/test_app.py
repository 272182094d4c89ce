"""The review app over Flask's test client: access, sign-in and lock-out, CSRF, escaping, status, export, audit."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from clinicbot.store.models import AuditEvent, BookingRequest, StaffUser, StatusChange
from tests.clinicbot.review.conftest import PASSWORD, csrf, sign_in

PAGES = [
    "/bookings",
    "/bookings/1",
    "/bookings.csv",
    "/bookings.xlsx",
    "/admin/accounts",
    "/escalations",
    "/escalations/1",
    "/audit",
    "/",
]


def audit_actions(engine):
    with Session(engine, future=True) as s:
        return [(e.username, e.action, e.target) for e in s.scalars(select(AuditEvent).order_by(AuditEvent.id))]


@pytest.mark.parametrize("path", PAGES)
def test_no_page_without_signing_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


@pytest.mark.parametrize("path", ["/bookings/1/status", "/escalations/1/status"])
def test_no_status_change_without_signing_in(client, engine, path):
    token = csrf(client)
    response = client.post(path, data={"status": "closed", "csrf_token": token})
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    with Session(engine, future=True) as s:
        assert s.scalars(select(StatusChange)).all() == []


def test_sign_in_needs_the_csrf_token(client):
    response = client.post("/login", data={"username": "rita", "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/bookings").status_code == 302


def test_sign_in_and_out(client, engine):
    assert sign_in(client).status_code == 302
    assert client.get("/bookings").status_code == 200
    token = csrf(client, "/bookings")
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/bookings").status_code == 302
    assert [a[1] for a in audit_actions(engine)][:1] == ["sign_in"]
    assert "sign_out" in [a[1] for a in audit_actions(engine)]


def test_session_cookie_is_httponly_and_samesite(client):
    response = sign_in(client)
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("clinicbot_staff="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie


def test_secure_cookie_behind_https(make_app):
    client = make_app(cookie_secure=True).test_client()
    cookie = next(c for c in sign_in(client).headers.getlist("Set-Cookie") if c.startswith("clinicbot_staff="))
    assert "Secure" in cookie


@pytest.mark.parametrize(("username", "password"), [("rita", "wrong password!"), ("nobody", PASSWORD), ("", "")])
def test_wrong_credentials_are_refused(client, username, password):
    response = sign_in(client, username, password)
    assert response.status_code == 401
    assert "not right" in response.get_data(as_text=True)
    assert client.get("/bookings").status_code == 302


def test_lockout_after_repeated_wrong_passwords(client, engine):
    for _ in range(5):
        assert sign_in(client, "rita", "not the password").status_code == 401
    # Locked: even the right password is refused for a while.
    response = sign_in(client, "rita", PASSWORD)
    assert response.status_code == 429
    assert "locked" in response.get_data(as_text=True)
    actions = [a[1] for a in audit_actions(engine)]
    assert actions.count("sign_in_failed") == 5 and "account_locked" in actions and "sign_in_locked" in actions
    with Session(engine, future=True) as s, s.begin():
        user = s.scalars(select(StaffUser).where(StaffUser.username == "rita")).one()
        user.locked_until = datetime.now(timezone.utc) - timedelta(seconds=1)
    assert sign_in(client, "rita", PASSWORD).status_code == 302


def test_signed_out_after_inactivity(signed_in, engine):
    with signed_in.session_transaction() as sess:
        sess["last_seen"] = sess["last_seen"] - 31 * 60
    response = signed_in.get("/bookings")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert signed_in.get("/bookings").status_code == 302
    assert "sign_out_idle" in [a[1] for a in audit_actions(engine)]


def test_list_puts_emergencies_first(signed_in, ids):
    html = signed_in.get("/bookings").get_data(as_text=True)
    first = html.index(f'href="/bookings/{ids["emergency"]}"')
    second = html.index(f'href="/bookings/{ids["routine"]}"')
    assert first < second


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ("level=emergency", ["emergency"], ["routine", "old"]),
        ("red_flag=saddle_numbness", ["emergency"], ["routine"]),
        ("location=greater_noida", ["emergency"], ["routine"]),
        ("channel=telegram", ["emergency"], ["routine"]),
        ("q=asha", ["routine"], ["emergency", "old"]),
        ("q=98123", ["emergency"], ["routine"]),
        ("date_from=2025-03-01&date_to=2025-03-03", ["routine"], ["old", "emergency"]),
        ("status=closed", [], ["routine", "emergency"]),
        ("language=en", ["routine"], ["emergency"]),  # recorded without a language: English
        ("language=hi-Latn", ["emergency"], ["routine"]),
        ("language=hi", [], ["routine", "emergency"]),
    ],
)
def test_filters(signed_in, ids, query, shown, hidden):
    html = signed_in.get(f"/bookings?{query}").get_data(as_text=True)
    for key in shown:
        assert f'href="/bookings/{ids[key]}"' in html
    for key in hidden:
        assert f'href="/bookings/{ids[key]}"' not in html


def test_bad_filter_values_are_ignored_kindly(signed_in):
    response = signed_in.get("/bookings?level=<b>x</b>&date_from=yesterday&page=-3")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Unknown level ignored" in html and "not a date" in html and "<b>x</b>" not in html


def test_user_text_is_never_rendered_as_html(signed_in, ids):
    for path in (f"/bookings/{ids['emergency']}", "/bookings", f"/escalations/{ids['escalation']}"):
        html = signed_in.get(path).get_data(as_text=True)
        assert "<script>alert" not in html and "<img src=x" not in html, path
    html = signed_in.get(f"/bookings/{ids['emergency']}").get_data(as_text=True)
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html


def test_detail_shows_outcome_explanation_and_highlights(signed_in, ids):
    html = signed_in.get(f"/bookings/{ids['emergency']}").get_data(as_text=True)
    assert "2026.11-2" in html
    assert "Go to an emergency department now" in html
    assert "Because you said &#34;numb between my legs&#34;" in html  # the stored line, as the visitor saw it
    assert "<dt>Age</dt><dd>34</dd>" in html
    assert "second opinion suspected a new change in sexual function" in html and "not answered" in html
    assert "Not sure about numbness or tingling between the legs" in html and "(counted as present)" in html
    assert "The conversation was in Hinglish" in html
    saddle = "numbness or tingling between the legs, around the bottom or genitals (the saddle area)"
    assert f'<mark class="status-present" title="{saddle}: has it">numb between my legs' in html
    assert (
        '<mark class="status-absent" title="a fever, high temperature or chills with the back pain: does not have it">fever'
        in html
    )
    assert f'href="/escalations/{ids["escalation"]}"' in html


def test_escalation_links_to_its_booking(signed_in, ids):
    html = signed_in.get(f"/escalations/{ids['escalation']}").get_data(as_text=True)
    assert f'href="/bookings/{ids["emergency"]}"' in html
    assert "to protect the visitor&#39;s life (an emergency: vital interest)" in html
    assert '<a href="tel:+919812345670">+91 98123 45670</a>' in html  # the number left to be called back on
    listing = signed_in.get("/escalations?level=emergency").get_data(as_text=True)
    assert f'href="/escalations/{ids["escalation"]}"' in listing


def test_missing_records_are_404(signed_in):
    assert signed_in.get("/bookings/99999").status_code == 404
    assert signed_in.get("/escalations/99999").status_code == 404


@pytest.mark.parametrize("kind", ["bookings", "escalations"])
def test_status_change_kept_as_history(signed_in, engine, ids, kind):
    rid = ids["emergency"] if kind == "bookings" else ids["escalation"]
    token = csrf(signed_in, f"/{kind}/{rid}")
    response = signed_in.post(
        f"/{kind}/{rid}/status", data={"status": "contacted", "note": "rang, <b>no</b> answer", "csrf_token": token}
    )
    assert response.status_code == 302
    signed_in.post(f"/{kind}/{rid}/status", data={"status": "closed", "note": "", "csrf_token": token})
    html = signed_in.get(f"/{kind}/{rid}").get_data(as_text=True)
    assert "New → Contacted — rang, &lt;b&gt;no&lt;/b&gt; answer" in html and "Contacted → Closed" in html
    with Session(engine, future=True) as s:
        changes = s.scalars(select(StatusChange).order_by(StatusChange.id)).all()
        assert [(c.username, c.old_status, c.new_status) for c in changes] == [
            ("rita", "new", "contacted"),
            ("rita", "contacted", "closed"),
        ]
    subject = "booking" if kind == "bookings" else "escalation"
    assert ("rita", "status_change", f"{subject}:{rid}") in audit_actions(engine)


def test_status_change_needs_csrf_and_a_known_status(signed_in, engine, ids):
    rid = ids["routine"]
    assert signed_in.post(f"/bookings/{rid}/status", data={"status": "closed"}).status_code == 400
    token = csrf(signed_in, f"/bookings/{rid}")
    signed_in.post(f"/bookings/{rid}/status", data={"status": "deleted", "csrf_token": token})
    with Session(engine, future=True) as s:
        assert s.get(BookingRequest, rid).status == "new"
        assert s.scalars(select(StatusChange)).all() == []


def test_csv_export_of_the_filtered_list(signed_in, engine, ids):
    response = signed_in.get("/bookings.csv?level=emergency")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [int(r["id"]) for r in rows] == [ids["emergency"]]
    assert rows[0]["name"].startswith("'=HYPERLINK")
    assert rows[0]["phone"] == "098123 45678"  # as dialled from the clinic: no quote shows
    assert rows[0]["created_at"] == "2025-03-04 14:30:00 +05:30"  # the clinic's time, its offset shown
    assert ("rita", "export", "bookings.csv") in audit_actions(engine)


def test_xlsx_export_of_the_filtered_list_is_typed_text(signed_in, engine, ids):
    from openpyxl import load_workbook

    response = signed_in.get("/bookings.xlsx?level=emergency")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response.headers["Content-Disposition"].endswith('.xlsx"')
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    table = [[c.value if c.value is not None else "" for c in row] for row in sheet.iter_rows()]
    rows = [dict(zip(table[0], line)) for line in table[1:]]
    assert [int(r["id"]) for r in rows] == [ids["emergency"]]
    assert rows[0]["name"].startswith('=HYPERLINK("http://evil")')  # typed text: as written, no quote
    assert rows[0]["phone"] == "+91 98123 45678"
    assert rows[0]["created_at"] == "2025-03-04 14:30:00 +05:30"
    assert {c.data_type for row in sheet.iter_rows() for c in row if c.value is not None} == {"s"}
    assert ("rita", "export", "bookings.xlsx") in audit_actions(engine)


def test_audit_log_is_for_admins(client, signed_in):
    assert signed_in.get("/audit").status_code == 403
    other = client.application.test_client()
    sign_in(other, "admin")
    html = other.get("/audit").get_data(as_text=True)
    assert "sign_in" in html and "rita" in html


def test_views_are_audited_without_patient_data(signed_in, engine, ids):
    signed_in.get(f"/bookings/{ids['emergency']}")
    signed_in.get("/bookings?q=asha&level=urgent")
    events = audit_actions(engine)
    assert ("rita", "view", f"booking:{ids['emergency']}") in events
    with Session(engine, future=True) as s:
        details = " ".join(e.detail + e.target for e in s.scalars(select(AuditEvent)))
    assert "asha" not in details.lower() and "level,q" in details


def test_security_headers(signed_in):
    response = signed_in.get("/bookings")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Cache-Control"] == "no-store"


def test_pagination(signed_in, engine, ids):
    from tests.clinicbot.store.test_review import add_bookings

    add_bookings(engine, 120)
    html = signed_in.get("/bookings?page=2").get_data(as_text=True)
    assert "page 2 of 3" in html and 'rel="next"' in html and 'rel="prev"' in html
    assert html.count('href="/bookings/') == 50


def test_the_login_page_sets_an_httponly_session_cookie(client):
    """The CSRF token lives in the session: the login page's own cookie is HttpOnly (as the e2e test checks)."""
    cookies = [c for c in client.get("/login").headers.getlist("Set-Cookie") if c.startswith("clinicbot_staff=")]
    assert cookies and all("HttpOnly" in c for c in cookies)


@pytest.mark.parametrize(
    ("path", "shown", "hidden"),
    [
        (
            "/bookings",
            ["Emergency</span>", "Self-care</span>", "Telegram", "REST API", "New</td>"],
            [">self_care<", ">telegram<", ">rest<", "saddle_numbness</td>"],
        ),
        (
            "/escalations",
            ["Emergency</span>", "numbness or tingling between the legs"],
            [">emergency<", "saddle_numbness</td>"],
        ),
        (
            "/bookings/{emergency}",
            ["<dt>Channel</dt><dd>Telegram</dd>", '<dd id="status">New</dd>', "+91 98123 45678"],
            ["<dd>telegram</dd>"],
        ),
        ("/escalations/{escalation}", ["Why it is kept", "Telegram"], ["vital_interest", "ground of"]),
    ],
)
def test_pages_speak_in_labels_not_ids(signed_in, ids, path, shown, hidden):
    html = signed_in.get(path.format(**ids)).get_data(as_text=True)
    for text in shown:
        assert text in html, text
    for text in hidden:
        assert text not in html, text

"""`clinicbot doctor`: every door with what it requires, risky settings, exit code 1 on a risk outside development."""

from __future__ import annotations

from typing import Dict, List

import pytest

from clinicbot import cli
from clinicbot.doctor import check

LONG = "t" * 40
PROD = {"STAFF_SECRET_KEY": "k" * 40, "STAFF_BASE_URL": "https://staff.clinic.example"}
DEV = {"CLINICBOT_ENV": "development"}
TELEGRAM = {"TELEGRAM_BOT_TOKEN": "123:abc", "TELEGRAM_WEBHOOK_SECRET": "s" * 20}
WHATSAPP = {
    "TWILIO_ACCOUNT_SID": "AC1",
    "TWILIO_AUTH_TOKEN": "tok",
    "TWILIO_WHATSAPP_FROM": "whatsapp:+14155238886",
    "PUBLIC_BASE_URL": "https://bot.clinic.example",
}
SETTINGS = [
    "CLINICBOT_ENV", "REST_CHANNEL", "REST_CHANNEL_TOKEN", "RASA_API_TOKEN", "LOG_LEVEL", "STAFF_SECRET_KEY",
    "STAFF_BASE_URL", "WIDGET_ALLOWED_ORIGINS", "WIDGET_SESSION_SECRET", "PUBLIC_BASE_URL", "TELEGRAM_BOT_TOKEN",
    "TELEGRAM_WEBHOOK_SECRET", "TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_WHATSAPP_FROM",
]  # fmt: skip


def doors(env: Dict[str, str]) -> Dict[str, str]:
    return {d.name: d.state for d in check(env).doors}


@pytest.mark.parametrize(
    "env, door, state",
    [
        (PROD, "REST", "off"),
        ({**PROD, "REST_CHANNEL": "on", "REST_CHANNEL_TOKEN": LONG}, "REST", "on: 'Authorization: Bearer'"),
        ({**PROD, "REST_CHANNEL": "on"}, "REST", "off: REST_CHANNEL=on but no REST_CHANNEL_TOKEN"),
        (DEV, "REST", "on: no token (development only)"),
        ({**DEV, "REST_CHANNEL": "off"}, "REST", "off"),
        (PROD, "Telegram", "off"),
        ({**PROD, **TELEGRAM}, "Telegram", "on: webhook secret set"),
        (PROD, "WhatsApp", "off"),
        ({**PROD, **WHATSAPP}, "WhatsApp", "on: Twilio signature checked against https://bot.clinic.example/webhooks/"),
        (PROD, "widget", "off"),
        ({**PROD, "WIDGET_ALLOWED_ORIGINS": "https://www.clinic.example"}, "widget", "on: origins https://www.clinic"),
        (PROD, "Rasa HTTP API", "off"),
        ({**PROD, "RASA_API_TOKEN": LONG}, "Rasa HTTP API", "on: RASA_API_TOKEN"),
        (PROD, "staff review app", "on: staff sign-in; sessions signed with STAFF_SECRET_KEY"),
        ({}, "staff review app", "does not start"),
        (DEV, "staff review app", "on: staff sign-in; sessions signed with a throw-away key"),
    ],
)
def test_each_door_says_what_it_requires(env, door, state):
    assert doors(env)[door].startswith(state)


def test_every_door_is_listed():
    assert list(doors(PROD)) == ["REST", "Telegram", "WhatsApp", "widget", "Rasa HTTP API", "staff review app"]


@pytest.mark.parametrize(
    "env, risks",
    [
        (PROD, []),
        (
            {**PROD, "REST_CHANNEL": "on", "REST_CHANNEL_TOKEN": LONG, "RASA_API_TOKEN": LONG, **TELEGRAM, **WHATSAPP},
            [],
        ),
        ({**PROD, "REST_CHANNEL": "on"}, ["REST_CHANNEL=on without REST_CHANNEL_TOKEN"]),
        ({**PROD, "REST_CHANNEL": "on", "REST_CHANNEL_TOKEN": "short"}, ["REST_CHANNEL_TOKEN is shorter"]),
        ({**PROD, "REST_CHANNEL": "maybe"}, ["REST_CHANNEL must be on or off"]),
        ({**PROD, "RASA_API_TOKEN": "short"}, ["RASA_API_TOKEN is shorter"]),
        ({**PROD, "LOG_LEVEL": "DEBUG"}, ["LOG_LEVEL=DEBUG"]),
        ({**PROD, "LOG_LEVEL": "debug"}, ["LOG_LEVEL=DEBUG"]),
        ({**PROD, "LOG_LEVEL": "WARNING"}, []),
        ({**PROD, **TELEGRAM, "TELEGRAM_WEBHOOK_SECRET": "abc"}, ["TELEGRAM_WEBHOOK_SECRET is shorter"]),
        ({**PROD, **WHATSAPP, "PUBLIC_BASE_URL": "http://bot.clinic.example"}, ["PUBLIC_BASE_URL is not https"]),
        ({**PROD, "WIDGET_ALLOWED_ORIGINS": "http://clinic.example"}, ["origins without https"]),
        ({**PROD, "WIDGET_ALLOWED_ORIGINS": "https://*.clinic.example"}, ["WIDGET_ALLOWED_ORIGINS"]),
        (
            {**PROD, "WIDGET_ALLOWED_ORIGINS": "https://a.example", "WIDGET_SESSION_SECRET": "x"},
            ["WIDGET_SESSION_SECRET"],
        ),
        ({"STAFF_BASE_URL": "https://staff.clinic.example"}, ["STAFF_SECRET_KEY is missing"]),
        ({**PROD, "STAFF_BASE_URL": "http://staff.clinic.example"}, ["STAFF_BASE_URL is not https"]),
        (DEV, []),
        ({**DEV, "WIDGET_ALLOWED_ORIGINS": "http://127.0.0.1:5005", **WHATSAPP, "PUBLIC_BASE_URL": "http://x"}, []),
        ({**DEV, "LOG_LEVEL": "DEBUG"}, ["LOG_LEVEL=DEBUG"]),
        ({**DEV, "RASA_API_TOKEN": "short"}, ["RASA_API_TOKEN is shorter"]),
    ],
)
def test_risky_settings_are_found(env, risks):
    found = check(env).risks
    assert len(found) == len(risks) and all(r in f for r, f in zip(risks, found)), found


@pytest.mark.parametrize(
    "env, note",
    [
        (
            {**PROD, "TELEGRAM_BOT_TOKEN": "123:abc"},
            "Telegram is half-configured and stays off: TELEGRAM_WEBHOOK_SECRET",
        ),
        ({**PROD, "TWILIO_ACCOUNT_SID": "AC1"}, "WhatsApp is half-configured"),
        ({**PROD, "WIDGET_ALLOWED_ORIGINS": "https://a.example"}, "WIDGET_SESSION_SECRET is not set"),
        (DEV, "the REST channel is open"),
    ],
)
def test_notes(env, note):
    assert [n for n in check(env).notes if note in n]


@pytest.fixture
def environ(monkeypatch):
    """The process environment with none of the settings doctor reads; returns a setter."""
    for name in SETTINGS:
        monkeypatch.delenv(name, raising=False)

    def put(env: Dict[str, str]) -> None:
        for k, v in env.items():
            monkeypatch.setenv(k, v)

    return put


@pytest.mark.parametrize(
    "env, code, shown",
    [
        (PROD, 0, ["REST ", "no risky setting found"]),
        ({**PROD, "REST_CHANNEL": "on"}, 1, ["risks\n", "REST_CHANNEL=on without REST_CHANNEL_TOKEN"]),
        ({**PROD, "LOG_LEVEL": "DEBUG"}, 1, ["LOG_LEVEL=DEBUG"]),
        ({**DEV, "LOG_LEVEL": "DEBUG"}, 0, ["risks (development: not failing)", "LOG_LEVEL=DEBUG"]),
    ],
)
def test_the_command_exits_1_on_a_risk_outside_development(environ, capsys, env, code, shown):
    environ(env)
    assert cli.main(["doctor"]) == code
    out = capsys.readouterr().out
    assert all(s in out for s in shown), out


def test_no_secret_is_printed(environ, capsys):
    secrets: List[str] = [LONG + "rest", LONG + "api", "tg-secret-" + LONG, "twilio-" + LONG, "k" * 41]
    environ(
        {
            **WHATSAPP,
            "TWILIO_AUTH_TOKEN": secrets[3],
            "TELEGRAM_BOT_TOKEN": "123:abc",
            "TELEGRAM_WEBHOOK_SECRET": secrets[2],
            "REST_CHANNEL": "on",
            "REST_CHANNEL_TOKEN": secrets[0],
            "RASA_API_TOKEN": secrets[1],
            "STAFF_SECRET_KEY": secrets[4],
            "STAFF_BASE_URL": "https://staff.clinic.example",
        }
    )
    assert cli.main(["doctor"]) == 0
    out = capsys.readouterr().out
    assert "on: 'Authorization: Bearer'" in out and not [s for s in secrets if s in out]

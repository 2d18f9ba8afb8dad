"""What the shared end-to-end stack is configured with (tests/e2e/conftest.py):
every channel switched on, as a deployment switches them on, against local
stand-ins for Microsoft's and Twilio's clouds. The modules that talk to a channel
take its settings from here, so the server and the test agree.

Starting a Rasa server is the slowest thing these tests do (bench.servers measures
it), so the modules share this one stack wherever their tests leave it as they
found it. A module starts its own only when it takes a server or its database
away for good, or needs a setting this stack must not have (a one-second tracker
timeout, retention every two seconds).
"""

from __future__ import annotations

import http.server
import threading

from tests.botframework_fake import FakeBotFramework
from tests.e2e.harness import free_port
from tests.twilio_fake import FakeTwilio

# Teams: the safeguarding lead's channel that drafts are sent to, and the key that
# turns a Teams user into a sender id (the test process computes the same ids).
TEAMS_DSL_CONVERSATION = "19:safeguarding-team@thread.tacv2"
TEAMS_DSL_NAME = "Sam Lead"
TEAMS_SENDER_KEY = "e2e-teams-store-key"
# SMS: a fictional Twilio account.
TWILIO_ACCOUNT = "AC" + "5" * 32
TWILIO_TOKEN = "e2e-fictional-auth-token"
# The widget: an intranet allowed to embed it (besides the test's own site).
WIDGET_ALLOWED = "https://intranet.example.org"
# Training mode: the trainer's password for the group pages.
TRAINER = "trainer-password-for-tests"


class Site:
    """Another web site (another origin) that embeds the widget with one tag."""

    def __init__(self, widget_base: str) -> None:
        self.port = free_port()
        page = (
            "<!doctype html><html lang='en-GB'><head><meta charset='utf-8'>"
            "<title>Example intranet</title></head><body><main><h1>Example intranet</h1>"
            "<p>Staff pages.</p></main>"
            f"<script src='{widget_base}/webhooks/widget/widget.js' defer></script>"
            "</body></html>"
        ).encode()

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.end_headers()
                self.wfile.write(page)

            def log_message(self, *_args: object) -> None:
                return None

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def channels_env(bot_framework: FakeBotFramework, twilio: FakeTwilio, site: Site) -> dict[str, str]:
    """Every channel's settings, pointing at the stand-ins; ``site`` may embed the widget."""
    return {
        **bot_framework.env(
            GOLDEN_HOUR_TEAMS_DSL_CONVERSATION_ID=TEAMS_DSL_CONVERSATION,
            GOLDEN_HOUR_TEAMS_DSL_SERVICE_URL=bot_framework.service_url,
            GOLDEN_HOUR_TEAMS_DSL_NAME=TEAMS_DSL_NAME,
            GOLDEN_HOUR_TEAMS_SENDER_KEY=TEAMS_SENDER_KEY,
        ),
        "GOLDEN_HOUR_TWILIO_ACCOUNT_SID": TWILIO_ACCOUNT,
        "GOLDEN_HOUR_TWILIO_AUTH_TOKEN": TWILIO_TOKEN,
        "GOLDEN_HOUR_TWILIO_API_BASE": twilio.base_url,
        "GOLDEN_HOUR_WIDGET_ORIGINS": f"{WIDGET_ALLOWED},{site.origin}",
        "GOLDEN_HOUR_TRAINER_TOKEN": TRAINER,
    }

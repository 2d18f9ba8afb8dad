"""Every environment variable Golden Hour reads, and Rasa's that its deployment
files set, with what each does. One list, so an operator can see them all and a
test can hold the code, the deploy files and this list to each other
(tests/unit/test_environment.py)."""

from __future__ import annotations

# name -> what it does. Secrets are marked "secret".
VARIABLES: dict[str, str] = {
    # Processes and addresses
    "GOLDEN_HOUR_RASA_HOST": "scripts/run: where the Rasa server listens (127.0.0.1)",
    "GOLDEN_HOUR_RASA_PORT": "scripts/run: the Rasa server's port (5005)",
    "GOLDEN_HOUR_ACTION_HOST": "where the action server listens (127.0.0.1)",
    "GOLDEN_HOUR_ACTION_PORT": "the action server's port (5055)",
    "GOLDEN_HOUR_ACTION_URL": "production endpoints: the action server's /webhook URL",
    "GOLDEN_HOUR_ACTION_SECRET": "secret: shared by Rasa and the action server for every call",
    "GOLDEN_HOUR_MODEL": "the trained model the tests start Rasa with (models/CURRENT)",
    "GOLDEN_HOUR_LB_BIND": "deploy/haproxy.cfg: where HAProxy listens",
    "GOLDEN_HOUR_RASA_1": "deploy/haproxy.cfg: the first Rasa server, host:port",
    "GOLDEN_HOUR_RASA_2": "deploy/haproxy.cfg: the second Rasa server, host:port",
    "GOLDEN_HOUR_HEALTH_TIMEOUT": "seconds a readiness check waits on a dependency (2)",
    "GOLDEN_HOUR_TURN_TIMEOUT": "seconds before a slow turn gets the safety message (20)",
    # Logs
    "GOLDEN_HOUR_LOG_LEVEL": "Golden Hour's log level (INFO)",
    "GOLDEN_HOUR_LOG_SALT": "secret: keys the senders' pseudonyms in the logs",
    # Guidance
    "GOLDEN_HOUR_STRICT_REVIEW": "1: an overdue content review stops start-up (CI sets it)",
    "GOLDEN_HOUR_LOCAL_CONTACTS": "a YAML file of the deployment's own local contacts",
    # Input limits
    "GOLDEN_HOUR_MAX_MESSAGE_CHARS": "longest message taken (2000)",
    "GOLDEN_HOUR_MAX_SENDER_CHARS": "longest sender id taken (128)",
    # Stores and keys
    "GOLDEN_HOUR_DATABASE_URL": "the case store (SQLAlchemy URL; SQLite under .run/ by default)",
    "GOLDEN_HOUR_DATA_KEYS": "secret: Fernet keys for notes and drafts at rest, newest first",
    "GOLDEN_HOUR_DATA_KEY_FILE": "where the data key is kept when GOLDEN_HOUR_DATA_KEYS is unset",
    "GOLDEN_HOUR_STORE_KEY": "secret: keys resume codes and case owners (derived if unset)",
    "GOLDEN_HOUR_WIDGET_KEY": "secret: signs widget sessions (derived from the data key if unset)",
    "GOLDEN_HOUR_TRACKER_DB": "endpoints.yml: the SQLite file of Rasa's conversations",
    "GOLDEN_HOUR_TRACKER_URL": "retention: Rasa's conversation database as one URL",
    "GOLDEN_HOUR_TRACKER_BUSY_TIMEOUT": "seconds SQLite waits on a locked conversation database",
    "GOLDEN_HOUR_TRACKER_HOST": "production: PostgreSQL host of Rasa's conversations",
    "GOLDEN_HOUR_TRACKER_PORT": "production: its port",
    "GOLDEN_HOUR_TRACKER_DB_NAME": "production: its database name",
    "GOLDEN_HOUR_TRACKER_USER": "production: its user",
    "GOLDEN_HOUR_TRACKER_PASSWORD": "secret: production: its password",
    "GOLDEN_HOUR_REDIS_HOST": "production: Redis host of the conversation locks",
    "GOLDEN_HOUR_REDIS_PORT": "production: its port",
    "GOLDEN_HOUR_REDIS_PASSWORD": "secret: production: its password",
    "GOLDEN_HOUR_RETENTION_DAYS": "days cases, conversations and sessions are kept (30)",
    "GOLDEN_HOUR_RETENTION_EVERY_HOURS": "run retention in the action server every N hours",
    "GOLDEN_HOUR_RESUME_DAYS": "days a resume code works (7)",
    "GOLDEN_HOUR_RESUME_GLOBAL_FAILURES": "wrong resume codes from everyone before a pause (100)",
    "GOLDEN_HOUR_PDF_FONT": "the Unicode font the PDF draft is written with",
    # REST, widget, trainer
    "GOLDEN_HOUR_REST_TOKEN": "secret: the REST channel's bearer token",
    "GOLDEN_HOUR_WIDGET_ORIGINS": "pages allowed to embed the widget, comma-separated",
    "GOLDEN_HOUR_WIDGET_SESSION_HOURS": "hours a widget session lasts (12)",
    "GOLDEN_HOUR_TRAINER_TOKEN": "secret: the trainers' password",
    "GOLDEN_HOUR_TRAINER_MAX_FAILURES": "wrong trainer passwords per address before a pause (5)",
    "GOLDEN_HOUR_TRAINER_GLOBAL_FAILURES": "wrong trainer passwords from everyone (50)",
    "GOLDEN_HOUR_TRAINER_LOCKOUT_SECONDS": "the pause's window in seconds (900)",
    "GOLDEN_HOUR_OPERATOR_NAME": "who runs this deployment (the service pages)",
    "GOLDEN_HOUR_OPERATOR_CONTACT": "how to reach them",
    "GOLDEN_HOUR_FEEDBACK": "where feedback goes",
    # Teams
    "GOLDEN_HOUR_TEAMS_APP_ID": "the bot's Microsoft app id",
    "GOLDEN_HOUR_TEAMS_APP_PASSWORD": "secret: its client secret",
    "GOLDEN_HOUR_TEAMS_TENANT": "the Entra tenant of a single-tenant bot",
    "GOLDEN_HOUR_TEAMS_TOKEN_URL": "where reply tokens come from",
    "GOLDEN_HOUR_TEAMS_OPENID_URL": "the metadata naming the keys incoming tokens are signed with",
    "GOLDEN_HOUR_TEAMS_ISSUER": "the issuer incoming tokens must carry",
    "GOLDEN_HOUR_TEAMS_SENDER_KEY": "secret: keys the Teams sender ids (derived if unset)",
    "GOLDEN_HOUR_TEAMS_DSL_CONVERSATION_ID": "hand-off: the safeguarding lead's conversation",
    "GOLDEN_HOUR_TEAMS_DSL_SERVICE_URL": "hand-off: its service URL (https)",
    "GOLDEN_HOUR_TEAMS_DSL_NAME": "hand-off: the safeguarding lead's name",
    # SMS
    "GOLDEN_HOUR_TWILIO_ACCOUNT_SID": "the Twilio account",
    "GOLDEN_HOUR_TWILIO_AUTH_TOKEN": "secret: its auth token (also checks webhook signatures)",
    "GOLDEN_HOUR_TWILIO_MESSAGING_SERVICE_SID": "send replies through this Messaging Service",
    "GOLDEN_HOUR_TWILIO_API_BASE": "Twilio's API address (the tests point it at a stand-in)",
    "GOLDEN_HOUR_SMS_WEBHOOK_URL": "the webhook URL exactly as configured in Twilio",
    "GOLDEN_HOUR_SMS_MAX_SEGMENTS": "segments per reply text",
    "GOLDEN_HOUR_SMS_SENDER_KEY": "secret: keys the SMS sender ids (derived if unset)",
    "GOLDEN_HOUR_SMS_EXTRA_FIELDS": "more Twilio form fields to accept, comma-separated",
    # Rasa's own, set by the deployment files
    "RASA_AUTH_TOKEN": "Rasa's HTTP API (tracker, model) is on only with this token",
    "TICKET_LOCK_LIFETIME": "Rasa: seconds a conversation lock outlives a dead server (10 here)",
    "LOG_LEVEL": "Rasa's own log level",
    "RASA_TELEMETRY_ENABLED": "Rasa: false, so no usage data is sent",
    "SANIC_PROXIES_COUNT": "Sanic: 1 behind HAProxy, so the client's address is read",
}

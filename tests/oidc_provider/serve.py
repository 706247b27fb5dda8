"""Runs the test OpenID provider: migrates its SQLite file, creates the users and the client
application described by TRYGG_TEST_OIDC_SETUP (JSON), then serves on 127.0.0.1 at a free port
and prints ``READY <port>`` once it accepts requests. Stops when its parent closes stdin.

    DJANGO_SETTINGS_MODULE=tests.oidc_provider.settings python -m tests.oidc_provider.serve
"""

from __future__ import annotations

import json
import os
import sys
import threading
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def setup() -> None:
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from oauth2_provider.models import Application

    call_command("migrate", verbosity=0, interactive=False)
    config = json.loads(os.environ["TRYGG_TEST_OIDC_SETUP"])
    for person in config["users"]:
        User.objects.create_user(person["username"], person["email"], person["password"])
    Application.objects.create(
        name="Trygg",
        client_id=config["client_id"],
        client_secret=config["client_secret"],
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=" ".join(config["redirect_uris"]),
        algorithm=Application.RS256_ALGORITHM,
        skip_authorization=True,
    )


def main() -> None:
    import django
    from django.core.wsgi import get_wsgi_application

    django.setup()
    setup()
    server = make_server(
        "127.0.0.1", 0, get_wsgi_application(), server_class=_Server, handler_class=_QuietHandler
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"READY {server.server_port}", flush=True)
    sys.stdin.read()  # until the test closes the pipe (or dies)
    server.shutdown()


if __name__ == "__main__":
    main()

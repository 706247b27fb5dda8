"""Every link the API hands out works for an API client that has only its token.

The test crawls the API as a client with a token and no session: from the API root (which
lists every resource), the law's checklist and Open311, through every list, its next page and
every item's detail. Every address in the answers (any string that starts with the server's
address or ``/``) is one of three kinds:

- another API answer (JSON), which is crawled in turn;
- a page for people (the keys ``url``, ``evidence_url`` and ``analysis_url``), which answers a
  signed-in browser with HTML;
- a file (exports, ``ics_url``, attachments), which the token must fetch: the file itself, or
  a job's status (202, JSON) whose links lead to it — never a page, a redirect or the login.

The data holds at least one of every kind of file link, and the test checks that it met them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import resolve
from rest_framework.authtoken.models import Token

from tests.listed_rows import BUILDERS
from trygg.collaboration.exports import Kind

BASE = "http://testserver"
PAGE_KEYS = {"url", "evidence_url", "analysis_url"}
# What a file link answers: its content type and how the file starts.
FILES = {
    "application/pdf": b"%PDF",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": b"PK",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": b"PK",
    "text/calendar": b"BEGIN:VCALENDAR",
}
# Every kind of file link the API hands out: (view, format or document kind).
FILE_KINDS = {
    ("collaboration:meeting_ics", "ics"),
    ("collaboration:meeting_export", f"{Kind.AGENDA}.docx"),
    ("collaboration:meeting_export", f"{Kind.AGENDA}.pdf"),
    ("collaboration:meeting_export", f"{Kind.MINUTES}.docx"),
    ("collaboration:meeting_export", f"{Kind.MINUTES}.pdf"),
    ("collaboration:document", "pdf"),
    ("plans:plan_export", "docx"),
    ("plans:plan_export", "pdf"),
    ("reports:export", "docx"),
    ("reports:export", "pptx"),
    ("reports:export", "pdf"),
}


def links(data: Any, key: str = "") -> Iterator[tuple[str, str]]:
    """Every (key, address) in a JSON answer that points into the server."""
    if isinstance(data, dict):
        for name, value in data.items():
            yield from links(value, name)
    elif isinstance(data, list):
        for value in data:
            yield from links(value, key)
    elif isinstance(data, str) and (
        data.startswith(BASE + "/") or (data.startswith("/") and not data.startswith("//"))
    ):
        yield key, data


def path_of(address: str) -> str:
    parts = urlsplit(address)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def file_kind(address: str) -> tuple[str, str]:
    match = resolve(urlsplit(address).path)
    if match.view_name == "collaboration:meeting_export":
        return match.view_name, f"{match.kwargs['kind']}.{match.kwargs['fmt']}"
    if match.view_name == "collaboration:meeting_ics":
        return match.view_name, "ics"
    if match.view_name == "collaboration:document":
        return match.view_name, "pdf"
    return match.view_name, match.kwargs.get("fmt", "")


class Crawl:
    def __init__(self, token_client: Client, browser: Client) -> None:
        self.token = token_client
        self.browser = browser
        self.seen: set[str] = set()
        self.queue: list[str] = []
        self.pages: set[str] = set()
        self.files: set[tuple[str, str]] = set()
        self.api_answers = 0

    def add(self, address: str) -> None:
        if path_of(address) not in self.seen:
            self.seen.add(path_of(address))
            self.queue.append(path_of(address))

    def run(self, *start: str) -> None:
        for address in start:
            self.add(address)
        while self.queue:
            address = self.queue.pop(0)
            response = self.token.get(address)
            assert response.status_code == 200, (address, response.status_code)
            assert response["Content-Type"].startswith("application/json"), address
            self.api_answers += 1
            data = json.loads(response.content)
            self.follow_all(data, address)
            self.more_of(data, address)

    def more_of(self, data: Any, address: str) -> None:
        """A list's next page (one item a page) and each item's detail."""
        if not (isinstance(data, dict) and "results" in data):
            return
        path = urlsplit(address).path
        if "page_size" not in address and data["count"] > 1:
            self.add(f"{path}?page_size=1")
        if resolve(path).namespace == "api":
            for item in data["results"]:
                if "id" in item:
                    self.add(f"{path}{item['id']}/")

    def follow_all(self, data: Any, where: str) -> None:
        for key, address in links(data):
            if resolve(urlsplit(address).path).namespace == "api":
                self.add(address)
            elif key in PAGE_KEYS:
                self.page(address, where)
            else:
                self.file(address, where)

    def page(self, address: str, where: str) -> None:
        if address in self.pages:
            return
        self.pages.add(address)
        response = self.browser.get(path_of(address))
        assert response.status_code == 200, (where, address, response.status_code)
        assert response["Content-Type"].startswith("text/html"), (where, address)

    def file(self, address: str, where: str) -> None:
        kind = file_kind(address)
        if path_of(address) in self.seen:
            return
        self.seen.add(path_of(address))
        response = self.token.get(path_of(address))
        if response.status_code == 202:  # a job makes the file: its status leads to it
            self.job(response, address)
            return
        self.is_file(response, f"{where} → {address}")
        self.files.add(kind)

    def job(self, started: HttpResponse, address: str) -> None:
        status = json.loads(started.content)
        assert urlsplit(started["Location"]).path == urlsplit(status["url"]).path
        self.page(status["url"], address)  # the job's page, for people
        polled = self.token.get(path_of(status["status_url"]))
        assert polled.status_code == 200 and polled["Content-Type"] == "application/json"
        status = json.loads(polled.content)
        assert status["finished"] and status["status"] == "done", status
        response = self.token.get(path_of(status["download_url"]))
        self.is_file(response, f"{address} → {status['download_url']}")
        self.files.add(file_kind(address))

    @staticmethod
    def is_file(response: HttpResponse, where: str) -> None:
        assert response.status_code == 200, (where, response.status_code)
        content_type = response["Content-Type"].split(";")[0]
        assert content_type in FILES, (where, content_type)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert body.startswith(FILES[content_type]), where


@pytest.fixture
def installation(world, settings, tmp_path):
    """A meeting held (with minutes) and one to come, an agreement with a PDF attached, a plan
    with its problem, evidence and measures, a draft and an approved lägesbild."""
    settings.MEDIA_ROOT = tmp_path / "media"
    BUILDERS["agreements"](world, 1, 1)
    BUILDERS["meetings"](world, 1, 1)  # nine weeks ago
    BUILDERS["meetings"](world, 12, 1)  # in two weeks
    BUILDERS["plans"](world, 1, 1)
    BUILDERS["measures"](world, 1, 2)
    BUILDERS["reports"](world, 1, 2)  # the first approved
    BUILDERS["incidents"](world, 1, 2)
    BUILDERS["series"](world, 1, 1)
    return world


def test_every_link_in_the_api_works_with_the_token_alone(installation):
    world = installation
    token = Token.objects.create(user=world.alice)
    api = Client(HTTP_AUTHORIZATION=f"Token {token.key}")  # no session
    browser = Client()
    browser.force_login(world.alice)
    crawl = Crawl(api, browser)
    crawl.run(
        "/api/v1/",
        "/api/v1/compliance/",
        "/api/v1/statistics/values/",
        f"/open311/v2/requests.json?api_key={token.key}",
        f"/open311/v2/services.json?api_key={token.key}",
    )
    assert crawl.files == FILE_KINDS
    assert crawl.api_answers > 30 and len(crawl.pages) > 10


def test_a_file_link_without_the_token_asks_a_browser_to_sign_in(installation):
    item = Token.objects.create(user=installation.alice)
    api = Client(HTTP_AUTHORIZATION=f"Token {item.key}")
    meeting = json.loads(api.get("/api/v1/meetings/").content)["results"][0]
    agreement = json.loads(api.get("/api/v1/agreements/").content)["results"][0]
    for address in (meeting["ics_url"], agreement["documents"][0]["download_url"]):
        response = Client().get(path_of(address))
        assert response.status_code == 302 and "/logga-in/" in response["Location"]
        assert Client(HTTP_AUTHORIZATION="Token nonsense").get(path_of(address)).status_code == 401

"""Read the API's one error format (api/errors.py) in tests."""

from __future__ import annotations


def fields(response) -> dict[str, list[str]]:
    """A 400's messages by field (the dotted attr: "url", "answers.pay-share")."""
    messages: dict[str, list[str]] = {}
    for error in response.json()["errors"]:
        messages.setdefault(error["attr"], []).append(error["detail"])
    return messages


def under(response, field: str) -> dict[str, list[str]]:
    """Messages one level below a field: {"pay-share": [...]} for "answers.pay-share"."""
    prefix = f"{field}."
    return {k[len(prefix) :]: v for k, v in fields(response).items() if k.startswith(prefix)}


def detail(response) -> str:
    """The message of an error that is about no one field (404, 409, 429 ...)."""
    return response.json()["errors"][0]["detail"]


def error_code(response) -> str:
    return response.json()["errors"][0]["code"]

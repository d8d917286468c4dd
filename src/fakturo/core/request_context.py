"""The id of the request being served, readable anywhere (logs, audit rows) without passing it."""

from contextvars import ContextVar

current_request_id: ContextVar[str] = ContextVar("current_request_id", default="")

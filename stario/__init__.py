"""Stario: a small, explicit, hypermedia-first Python web framework.

A `Query` reads, a `Command` changes something; handlers take a `Context` and a `Writer`, or
simply return HTML, or ``yield`` updates that stream to the browser as Datastar events.
"""

from stario.app import App, Stario
from stario.state import State
from stario.context import Context
from stario.datastructures import FormData, Headers, QueryParams, UploadedFile
from stario.errors import HTTPError
from stario.handlers import Handler, Middleware
from stario.relay import Message, Relay, Subscription
from stario.routing import Command, Query, Route, RouteConflict
from stario.sse import SSEStream
from stario.telemetry import Span
from stario.writer import Writer

__version__ = "0.2.0"

__all__ = [
    "Stario",
    "App",
    "State",
    "Query",
    "Command",
    "Route",
    "RouteConflict",
    "Context",
    "Writer",
    "SSEStream",
    "Handler",
    "Middleware",
    "HTTPError",
    "Relay",
    "Subscription",
    "Message",
    "Span",
    "Headers",
    "QueryParams",
    "FormData",
    "UploadedFile",
]

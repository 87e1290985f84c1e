"""One error shape for HTML and JSON. Missing and forbidden-to-know look exactly the same."""
from __future__ import annotations

from flask import Flask, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from hub.policy import AgreementPending
from hub.validation import ValidationError


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def _messages() -> dict[int, tuple[str, str]]:
    return {
        400: ("bad_request", _("The request could not be understood.")),
        401: ("unauthorized", _("Please sign in.")),
        403: ("forbidden", _("You do not have permission to do that.")),
        404: ("not_found", _("We could not find that page.")),
        405: ("method_not_allowed", _("That action is not allowed here.")),
        413: ("too_large", _("That upload is too large.")),
        422: ("invalid", _("Some fields need fixing.")),
        429: ("rate_limited", _("Too many attempts. Please wait a moment and try again.")),
        500: ("server_error", _("Something went wrong on our side. Please try again.")),
    }


def error_response(status: int, message: str | None = None, fields: dict | None = None, code: str | None = None):
    default_code, default_message = _messages().get(status, ("error", _("Something went wrong.")))
    message = message or default_message
    if wants_json():
        body = {"error": {"code": code or default_code, "message": message, "fields": fields or {}}}
        if status == 401:  # RFC 6750: how to authenticate, and why a token was refused
            challenge = 'Bearer realm="hub"' + (', error="invalid_token"' if code == "invalid_token" else "")
            return jsonify(body), status, {"WWW-Authenticate": challenge}
        return jsonify(body), status
    return render_template("errors/error.html", status=status, message=message), status


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(err):
        return error_response(400, _("Your form expired or came from another site. Please reload the page and try again."),
                              code="csrf_failed")

    @app.errorhandler(ValidationError)
    def validation_error(err):
        # (a subclass may say otherwise: hub.uploads.StorageFull is 507 Insufficient Storage)
        return error_response(getattr(err, "status", 422), err.message, err.fields, getattr(err, "code", None))

    @app.errorhandler(AgreementPending)
    def agreement_pending(err):
        # A member who has yet to accept the group agreement: to the agreement, then back here.
        if not wants_json() and request.method == "GET":
            return redirect(url_for("spaces.agreement", slug=err.slug, next=request.full_path.rstrip("?")))
        return error_response(403, _("Accept the space's group agreement first."), code="agreement_pending")

    @app.errorhandler(HTTPException)
    def http_error(err):
        # The body of a 404 never depends on why: missing and hidden are indistinguishable.
        if err.code == 404:
            return error_response(404)
        if err.code == 429:
            return error_response(429)
        response = error_response(err.code or 500)
        if err.code == 405 and getattr(err, "valid_methods", None):
            # RFC 9110: a 405 says which methods the resource does take.
            body, status = response[0], response[1]
            return body, status, {"Allow": ", ".join(sorted(err.valid_methods))}
        return response

    @app.errorhandler(Exception)
    def unexpected(err):
        app.logger.exception("Unhandled error")
        return error_response(500)

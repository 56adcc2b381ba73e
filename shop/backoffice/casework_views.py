"""What the return, claim and message pages share: the queue's query string and running a step.

Each action is its own POST route calling one service function. A form with bad
input re-renders the page with the errors at the field (400); a step the rules or
the current status refuse re-renders it with the reason (409); success redirects (303).
"""
from flask import abort, current_app, flash, redirect, request

from shop.backoffice import casework

MAX_PAGE = 10_000


def shop_zone() -> str:
    return current_app.config["SHOP_TIMEZONE"]


def queue_args(default: str) -> tuple[str, int]:
    """The queue's status filter and page number from the query string."""
    page = request.args.get("page", 1, type=int) or 1
    return request.args.get("status", default)[:30], min(max(page, 1), MAX_PAGE)


def run_step(step, success, render_again, done_url: str):
    """Run a service step: on success redirect (its mail is queued), else show why (409).
    `success` is the message, or a function of what the step returned that gives it."""
    try:
        result = step()
    except casework.NotFound:
        abort(404)
    except casework.ManagerOnly as error:
        abort(403, description=str(error))
    except casework.GoodwillRequired:
        raise  # a form error: the approve view shows it at the goodwill field
    except casework.ActionRefused as error:
        flash(str(error), "error")
        return render_again(409)
    flash(success(result) if callable(success) else success, "success")
    return redirect(done_url, code=303)

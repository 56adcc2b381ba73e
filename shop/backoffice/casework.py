"""What staff handling of returns, warranty claims and contact messages shares.

Every step is a conditional status move (`set_case_status`: UPDATE ... WHERE status =
expected), so a double click or two members of staff at once act once. Each step
writes an audit row and queues the customer's email in the same transaction
(`transaction`); the outbox worker sends it. A step that cannot be done raises
ActionRefused and changes nothing.
"""
from contextlib import contextmanager
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select, update

from shop.accounts.models import AuditEntry
from shop.accounts.service import record
from shop.extensions import db
from shop.orders import replacements
from shop.orders.models import Order, OrderLine
from shop.pagination import Page, paginate

STAFF_NOTE_MAX = 1000


class ActionRefused(Exception):
    """The step cannot be done; the message says why, for staff. Nothing was changed."""


class NotFound(ActionRefused):
    """No return, claim or message with that id."""


class AlreadyHandled(ActionRefused):
    """The case is no longer in the status the step starts from (a double click, a colleague)."""


class GoodwillRequired(ActionRefused):
    """The rules say the claim is not covered and nobody ticked goodwill."""


class ManagerOnly(ActionRefused):
    """Only a manager may take this step (a goodwill replacement)."""


@contextmanager
def transaction():
    """Commit at the end of the block, roll everything back if it raises."""
    try:
        yield
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise


def set_case_status(model, row_id: int, from_status: str, to_status: str, **values) -> bool:
    """Move a return, claim or message on: True for exactly one of any number of racing
    callers. (Orders move through `shop.orders.service.transition`.)"""
    return db.session.execute(
        update(model).where(model.id == row_id, model.status == from_status)
        .values(status=to_status, **values)
        .execution_options(synchronize_session=False)).rowcount == 1


def with_note(existing: str, text: str) -> str:
    """Append a line to a staff note, keeping the newest text when it grows too long."""
    if not text:
        return existing
    combined = f"{existing}\n{text}" if existing else text
    return combined[-STAFF_NOTE_MAX:]


def local_date(moment: datetime, zone_name: str) -> date:
    return moment.astimezone(ZoneInfo(zone_name)).date()


def chosen_statuses(choice: str, known: tuple[str, ...],
                    open_ones: tuple[str, ...]) -> tuple[str, ...]:
    """The statuses a queue's filter asks for: all, one known status, or the open ones."""
    if choice == "all":
        return known
    if choice in known:
        return (choice,)
    return open_ones


def item_queue(model, statuses, page: int) -> Page:
    """One page of returns or warranty claims in `statuses`, newest first, with their
    order number and item."""
    query = (select(model, Order.number, OrderLine.name, OrderLine.option, OrderLine.sku)
             .join(Order, Order.id == model.order_id)
             .join(OrderLine, OrderLine.id == model.order_line_id)
             .where(model.status.in_(statuses))
             .order_by(model.created_at.desc(), model.id.desc()))
    return paginate(query, page)


def load_with_item(model, row_id: int):
    """A return or claim with its order and order line, or None."""
    row = db.session.get(model, row_id)
    if row is None:
        return None
    return row, db.session.get(Order, row.order_id), db.session.get(OrderLine, row.order_line_id)


def audit_history(entity: str, entity_id: int) -> list[AuditEntry]:
    return db.session.scalars(select(AuditEntry).where(
        AuditEntry.entity == entity, AuditEntry.entity_id == str(entity_id))
        .order_by(AuditEntry.id)).all()


def send_replacement(order: Order, line: OrderLine, quantity: int, actor: str, note: str,
                     return_id: int | None = None) -> replacements.Replacement:
    """A replacement order for a return or a claim, with the audit row of its stock."""
    try:
        sent = replacements.send_replacement(order, line, quantity, actor, note, return_id)
    except replacements.CannotReplace as error:
        raise ActionRefused(str(error)) from None
    record(actor, "stock_replacement", "variant", line.variant_id,
           before={"on_hand": sent.on_hand + quantity}, after={"on_hand": sent.on_hand},
           note=f"{note}; order {order.number}, replacement order {sent.order.number}")
    return sent

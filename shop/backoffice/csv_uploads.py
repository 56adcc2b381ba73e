"""Catalog CSV files kept in the shared database between the preview and the apply.

The preview stores the file under the SHA-256 of its text and the manager who uploaded
it; the apply form posts only that digest. Any app server can serve either step, and only
the uploader can apply the file, once, within a day.
"""
import hashlib
from datetime import timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from shop import clock
from shop.backoffice.models import CsvUpload
from shop.extensions import db

KEEP_FOR = timedelta(days=1)


class UploadRefused(Exception):
    """The stored file cannot be applied; `status` is the HTTP status that says why."""

    status = 400
    message = ""

    def __init__(self):
        super().__init__(self.message)


class UploadGone(UploadRefused):
    status = 400
    message = "This upload is unknown or more than a day old: upload the file again."


class UploadNotYours(UploadRefused):
    status = 403
    message = ("Only the manager who uploaded this file can apply it: upload the file "
               "again yourself.")


class UploadApplied(UploadRefused):
    status = 409
    message = ("This file was already imported, so nothing was imported again. To import "
               "it once more, upload the file again.")


def digest_of(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def keep(text: str, uploader_id: int) -> str:
    """Store an uploaded file for its uploader (again, if already stored) and drop old ones."""
    now, digest = clock.now(), digest_of(text)
    db.session.execute(delete(CsvUpload).where(CsvUpload.created_at < now - KEEP_FOR))
    stored = db.session.get(CsvUpload, (digest, uploader_id))
    if stored is None:
        db.session.add(CsvUpload(digest=digest, uploaded_by=uploader_id, text=text,
                                 created_at=now))
    else:  # uploading a file again starts it afresh
        stored.created_at, stored.applied_at = now, None
    try:
        db.session.commit()
    except IntegrityError:  # the same manager stored the same file at the same moment
        db.session.rollback()
    return digest


def load(digest: str, uploader_id: int) -> str:
    """The text of a file this manager uploaded and has not applied; UploadRefused if not."""
    rows = db.session.execute(
        select(CsvUpload.uploaded_by, CsvUpload.created_at, CsvUpload.applied_at,
               CsvUpload.text)
        .where(CsvUpload.digest == digest,
               CsvUpload.created_at >= clock.now() - KEEP_FOR)).mappings().all()
    mine = next((row for row in rows if row["uploaded_by"] == uploader_id), None)
    if mine is None:
        raise UploadNotYours() if rows else UploadGone()
    if mine["applied_at"] is not None:
        raise UploadApplied()
    return mine["text"]


def claim(digest: str, uploader_id: int) -> None:
    """Mark the file applied in the caller's transaction; UploadApplied if someone got there first.

    A conditional UPDATE: of two applies at once, the second waits for the first's row lock
    and then matches nothing. The caller commits (or rolls back, which un-claims).
    """
    now = clock.now()
    claimed = db.session.execute(
        update(CsvUpload)
        .where(CsvUpload.digest == digest, CsvUpload.uploaded_by == uploader_id,
               CsvUpload.applied_at.is_(None), CsvUpload.created_at >= now - KEEP_FOR)
        .values(applied_at=now).execution_options(synchronize_session=False))
    if claimed.rowcount != 1:
        raise UploadApplied()

"""Back-office tables: catalog CSV files kept between their preview and their apply."""
from shop.database import UTCDateTime, utcnow
from shop.extensions import db


class CsvUpload(db.Model):
    """A catalog CSV a manager uploaded, under the SHA-256 of its text, for a day.

    It lives in the shared database, not on one app server's disk or in its memory: the
    preview and the apply may be served by different servers. `applied_at` is set in the
    transaction that imports it, so the same preview is never applied twice.
    """

    __tablename__ = "csv_upload"

    digest = db.Column(db.String(64), primary_key=True)
    uploaded_by = db.Column(db.Integer, db.ForeignKey("staff_user.id", ondelete="CASCADE"),
                            primary_key=True)
    text = db.Column(db.Text, nullable=False)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow, index=True)
    applied_at = db.Column(UTCDateTime, nullable=True)

"""Reading HTML forms the way a browser would submit them (for deploy/test_deploy.py)."""
import re
from html.parser import HTMLParser


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    if not match:
        raise RuntimeError("no CSRF token on the page")
    return match.group(1)


class _Forms(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self.select = self.textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append({})
        elif not self.forms:
            return
        fields = self.forms[-1]
        if tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    fields[a["name"]] = a.get("value", "on")
            elif kind not in ("submit", "button", "file", "image", "reset"):
                fields[a["name"]] = a.get("value") or ""
        elif tag == "select" and a.get("name"):
            self.select = a["name"]
            fields.setdefault(self.select, None)
        elif tag == "option" and self.select:
            if fields.get(self.select) is None or "selected" in a:  # first, or the chosen
                fields[self.select] = a.get("value", "")
        elif tag == "textarea" and a.get("name"):
            self.textarea = a["name"]
            fields[self.textarea] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data):
        if self.textarea and self.forms:
            self.forms[-1][self.textarea] += data


def form_fields(html: str, must_have: str) -> dict:
    """The fields (with their current values) of the page's form that has `must_have`."""
    parser = _Forms()
    parser.feed(html)
    for fields in parser.forms:
        if must_have in fields:
            return {k: v for k, v in fields.items() if v is not None}
    raise RuntimeError(f"no form with a {must_have!r} field on the page")

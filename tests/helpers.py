"""Small helpers for driving the app through HTTP with CSRF protection on."""
import html
import re



def csrf_token(client, url: str) -> str:
    """The CSRF token from a page's first form."""
    html = client.get(url).get_data(as_text=True)
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, f"no CSRF token on {url}"
    return match.group(1)


def post_form(client, url: str, data: dict, token_from: str, **kwargs):
    """POST `data` to `url` with a CSRF token read from `token_from`."""
    return client.post(url, data={**data, "csrf_token": csrf_token(client, token_from)}, **kwargs)


def flashes(response) -> str:
    """The flash messages on a page, unescaped."""
    found = re.findall(r'class="flash[^"]*"[^>]*>([^<]+)<', response.get_data(as_text=True))
    return html.unescape(" ".join(found))

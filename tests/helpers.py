"""Small helpers for driving the app through HTTP with CSRF protection on, and for races."""
import html
import re
import threading


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


def run_concurrently(app, jobs, timeout: float = 60) -> list:
    """Run each job in its own thread and app context, all released at once by a barrier.

    Returns, in job order, what each job returned or the exception it raised. Jobs get
    plain ids: objects of the test's own session must not be touched from other threads.
    """
    from shop.extensions import db

    results, barrier = [None] * len(jobs), threading.Barrier(len(jobs))

    def work(index, job):
        with app.app_context():
            barrier.wait()
            try:
                results[index] = job()
            except Exception as error:  # noqa: BLE001 - handed back to the test to assert on
                results[index] = error
            finally:
                db.session.remove()

    threads = [threading.Thread(target=work, args=pair) for pair in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    return results


def outcome(result) -> str:
    """"done" for a job that returned, else the name of the exception it raised."""
    return type(result).__name__ if isinstance(result, Exception) else "done"

"""CPU time per request of one URL, through Django's WSGI handler in this process (no network).

`python -m benchmarks.cpu <settings module> <path> <cookie header>` prints microseconds of CPU
per request: the best of 5 batches of 1,000. CPU time is much steadier than requests/s on a
shared machine, so `make bench` reports it beside the load test.
"""

import io
import os
import sys
import time


def main():
    settings_module, path, cookie = sys.argv[1:4]
    os.environ["DJANGO_SETTINGS_MODULE"] = settings_module
    import django

    django.setup()
    from django.core.handlers.wsgi import WSGIHandler

    handler = WSGIHandler()
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "SCRIPT_NAME": "",
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "HTTP_HOST": "127.0.0.1",
        "HTTP_COOKIE": cookie,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "wsgi.version": (1, 0),
    }
    statuses = []

    def start_response(status, headers, exc_info=None):
        statuses.append(status)

    def request():
        body = handler(dict(environ), start_response)
        b"".join(body)
        if hasattr(body, "close"):
            body.close()

    for _ in range(300):
        request()
    if not statuses[-1].startswith("200"):
        sys.exit(f"{path} answered {statuses[-1]}")
    best = None
    for _ in range(5):
        started = time.process_time()
        for _ in range(1000):
            request()
        used = (time.process_time() - started) / 1000
        best = used if best is None else min(best, used)
    print(f"{best * 1e6:.0f}")


if __name__ == "__main__":
    main()

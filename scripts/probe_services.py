"""Print the URL of a service if it answers, nothing otherwise (used by `make test`)."""

import socket
import sys
from urllib.parse import urlparse


def answers(url: str) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname, parsed.port), timeout=1):
            return True
    except OSError:
        return False


if __name__ == "__main__":
    kind, url = sys.argv[1], sys.argv[2]
    if answers(url):
        print(url)

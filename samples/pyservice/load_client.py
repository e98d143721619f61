"""A client that posts generated documents to the service over one keep-alive connection."""
import http.client
import itertools
import json


def post_documents(port, documents, count, stopped=lambda: False):
    """Posts documents 0, 1, ... (COUNT of them, or until STOPPED() when COUNT is 0) to the
    service on 127.0.0.1:PORT; returns how many were posted."""
    connection = http.client.HTTPConnection("127.0.0.1", port)
    posted = 0
    try:
        for index in itertools.count() if count == 0 else range(count):
            connection.request("POST", "/tokenize", body=documents.document(index).encode(),
                               headers={"Content-Type": "text/plain; charset=utf-8"})
            response = connection.getresponse()
            if response.status != 200:
                raise RuntimeError("the service answered %d" % response.status)
            json.loads(response.read())
            posted += 1
            if stopped():
                break
    finally:
        connection.close()
    return posted

"""The service over HTTP: POST a document as the body, get its token count back as JSON."""
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class DocumentHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: a client posts many documents on one connection
    disable_nagle_algorithm = True  # headers and body go out in two writes

    def do_POST(self):
        length = int(self.headers.get("Content-Length", 0))
        text = self.rfile.read(length).decode("utf-8")
        body = json.dumps(self.server.service.handle(text)).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):
        pass  # one line per request would drown the output


class DocumentServer(ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        # A client that hangs up mid-request is routine for a service, not worth a traceback.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def make_server(service, port, join_handlers):
    """A server on 127.0.0.1:PORT (0: any free port). JOIN_HANDLERS: closing it waits for
    its handler threads, so a run that exits has finished every request."""
    server = DocumentServer(("127.0.0.1", port), DocumentHandler)
    server.daemon_threads = not join_handlers
    server.service = service
    return server

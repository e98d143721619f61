"""pyservice: a small HTTP tokenizing service whose C tokenizer leaks (leakrank's Python sample).

  pyservice.py --requests N      serve on a free port and post N documents to itself, then exit
  pyservice.py --serve PORT      serve until SIGINT or SIGTERM (PORT 0: any free port)
  pyservice.py --load PORT       post documents to a service on PORT (until killed, or --requests)
"""
import argparse
import os
import signal
import sys
import threading

from document_service import DocumentService
from http_front import make_server
from load_client import post_documents
from zipf_documents import ZipfDocuments


def parse_options(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--serve", type=int, metavar="PORT", help="serve until SIGINT or SIGTERM")
    mode.add_argument("--load", type=int, metavar="PORT", help="be the client of a service on PORT")
    parser.add_argument("--requests", type=int, default=0, metavar="N",
                        help="documents to post (0 with --load: until killed)")
    parser.add_argument("--reload-every", type=int, default=0, metavar="N",
                        help="the fix: a new tokenizer (an empty store) every N requests")
    parser.add_argument("--recent", type=int, default=200, metavar="N", help="documents the LRU keeps")
    parser.add_argument("--seed", type=int, default=1)
    options = parser.parse_args(argv)
    if options.serve is None and options.load is None and options.requests <= 0:
        parser.error("give --requests N, --serve PORT or --load PORT")
    if min(options.requests, options.reload_every, options.recent) < 0:
        parser.error("counts must not be negative")
    return options


def serve_itself(options, service):
    """Serves on a free port while this process's own client posts --requests documents."""
    server = make_server(service, 0, join_handlers=True)
    # Shutdown waits for the loop's next poll: socketserver's default of 0.5 s would add up to
    # half a second to a run at random, which a benchmark of this workload would measure.
    serving = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="server")
    serving.start()
    try:
        post_documents(server.server_address[1], ZipfDocuments(options.seed), options.requests)
    finally:
        server.shutdown()
        serving.join()
        server.server_close()


def serve_until_stopped(options, service):
    server = make_server(service, options.serve, join_handlers=False)
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
    print("serving pid %d port %d" % (os.getpid(), server.server_address[1]), flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


def load_until_stopped(options):
    """Posts to a running service until --requests are posted or SIGINT/SIGTERM ends a request."""
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda signum, frame: stop.set())
    posted = post_documents(options.load, ZipfDocuments(options.seed), options.requests, stop.is_set)
    print("posted=%d" % posted, flush=True)


def main(argv):
    options = parse_options(argv)
    if options.load is not None:
        load_until_stopped(options)
        return 0
    service = DocumentService(options.reload_every, options.recent)
    try:
        if options.serve is not None:
            serve_until_stopped(options, service)
        else:
            serve_itself(options, service)
    finally:
        print(service.summary(), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

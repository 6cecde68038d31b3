#!/usr/bin/env python3
"""https in front of a plain-http peer, for the tests: Debian's Orthanc 1.10.1 crashes
(civetweb worker segfault) on its first https connection with OpenSSL 3, so the
tests terminate TLS here and forward the bytes to Orthanc's plain HTTP port.

usage: tls_proxy.py LISTEN_PORT BACKEND_PORT CERT.pem KEY.pem   (prints "ready" once listening)
"""
import socket
import ssl
import sys
import threading


def pump(src, dst):
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            dst.sendall(data)
    except OSError:
        pass
    finally:
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def serve(context, raw, backend_port):
    try:
        client = context.wrap_socket(raw, server_side=True)
    except (ssl.SSLError, OSError):  # the client refused our certificate: its error, not ours
        raw.close()
        return
    try:
        backend = socket.create_connection(("127.0.0.1", backend_port))
    except OSError:
        client.close()
        return
    threading.Thread(target=pump, args=(client, backend), daemon=True).start()
    pump(backend, client)


def main():
    listen_port, backend_port, cert, key = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(cert, key)
    server = socket.create_server(("127.0.0.1", listen_port))
    print("ready", flush=True)
    while True:
        raw, _ = server.accept()
        threading.Thread(target=serve, args=(context, raw, backend_port), daemon=True).start()


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""A loopback SMTP server for the tests (Debian's python3-aiosmtpd).

    tests/smtp_sink.py DIR [PORT]

Listens on 127.0.0.1 (PORT, default a free one), prints {"port": N} on one
line once it listens, and stores every accepted message as DIR/NNNNNN.json
({"from", "to", "message_id", "data"}), written then renamed, so a reader
never sees half a message. While DIR/fail exists, DATA is refused with 451
and nothing is stored (a server that is there but cannot take mail).
"""
import asyncio
import email
import itertools
import json
import os
import sys

from aiosmtpd.smtp import SMTP


class Sink:
    def __init__(self, directory):
        self.dir = directory
        existing = [int(n[:-5]) for n in os.listdir(directory) if n.endswith('.json')]
        self.seq = itertools.count(max(existing, default=0) + 1)

    async def handle_DATA(self, server, session, envelope):
        if os.path.exists(os.path.join(self.dir, 'fail')):
            return '451 4.3.0 Try again later'
        msg = email.message_from_bytes(envelope.content)
        record = {
            'from': envelope.mail_from,
            'to': list(envelope.rcpt_tos),
            'message_id': msg.get('Message-ID'),
            'data': envelope.content.decode('utf-8', 'replace'),
        }
        n = next(self.seq)
        tmp = os.path.join(self.dir, f'.{n:06d}.tmp')
        with open(tmp, 'w', encoding='utf-8') as f:
            json.dump(record, f)
        os.rename(tmp, os.path.join(self.dir, f'{n:06d}.json'))
        return '250 2.0.0 OK'


async def main():
    directory = sys.argv[1]
    port = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    os.makedirs(directory, exist_ok=True)
    handler = Sink(directory)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(handler, enable_SMTPUTF8=True, data_size_limit=10 * 1024 * 1024),
        host='127.0.0.1', port=port, reuse_address=True)
    print(json.dumps({'port': server.sockets[0].getsockname()[1]}), flush=True)
    await server.serve_forever()


if __name__ == '__main__':
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass

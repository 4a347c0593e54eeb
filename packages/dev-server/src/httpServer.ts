/** The HTTP server: bound before the provider exists, so the issuer can carry the real port. */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

/** A listening server that answers 503 until {@link ListeningServer.serve} gives it a handler. */
export interface ListeningServer {
  /** The port actually bound. */
  port: number;
  /** Hands every request from now on to `handler`. */
  serve(handler: RequestHandler): void;
  /** Closes the server and every open connection; resolves once closed (the same promise on every call). */
  stop(): Promise<void>;
}

/** Listens on `host`:`port` (`0` picks a free port). */
export async function listen(port: number, host: string): Promise<ListeningServer> {
  let handler: RequestHandler | undefined;
  const server: Server = createServer((req, res) => {
    if (handler) handler(req, res);
    else {
      res.statusCode = 503;
      res.end('starting');
    }
  });
  const sockets = trackSockets(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  let stopped: Promise<void> | undefined;
  return {
    port: (server.address() as AddressInfo).port,
    serve(next) {
      handler = next;
    },
    stop() {
      stopped ??= new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
        for (const socket of sockets) socket.destroy();
      });
      return stopped;
    },
  };
}

/** The server's open connections, so that stopping can end them all. */
function trackSockets(server: Server): Set<Socket> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  return sockets;
}

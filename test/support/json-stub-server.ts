import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the stub received, its JSON body parsed. */
export interface RecordedRequest {
  method?: string;
  url?: string;
  headers: IncomingMessage['headers'];
  body: any;
}

export interface JsonStubServer {
  /** `http://127.0.0.1:<port>` (no trailing slash). */
  url: string;
  /** Closes open connections too, so a request left hanging does not keep the test waiting. */
  close(): Promise<void>;
}

/**
 * A stand-in for an HTTP JSON API (an OpenAI-compatible model server in our tests) on a free
 * loopback port: each request is read whole, its body parsed, and handed to `onRequest` with the
 * response to answer (or not) as the test wants.
 */
export async function startJsonStubServer(onRequest: (request: RecordedRequest, res: ServerResponse) => void): Promise<JsonStubServer> {
  const server = createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (raw += chunk));
    req.on('end', () => onRequest({ method: req.method, url: req.url, headers: req.headers, body: JSON.parse(raw) }, res));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The webhook benchmark's receiver, in a process of its own so that its work does not share a core with the load
 * generator: it answers 204 at once and keeps, per distinct event, the time from the event's commit (occurredAt) to
 * its arrival. The parent asks with a `report` message; the receiver answers with its counts and latencies.
 */
const latencies: number[] = [];
const seen = new Set<string>();
let requests = 0;

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const arrived = Date.now();
    requests++;
    const event = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { id: string; occurredAt: string };
    if (!seen.has(event.id)) {
      seen.add(event.id);
      latencies.push(arrived - Date.parse(event.occurredAt));
    }
    res.writeHead(204).end();
  });
});

server.listen(0, '127.0.0.1', () => process.send?.({ type: 'listening', port: (server.address() as AddressInfo).port }));

process.on('message', (message: { type: string }) => {
  if (message.type === 'report') process.send?.({ type: 'report', distinct: seen.size, requests, latencies });
  if (message.type === 'reset') {
    latencies.length = 0;
    seen.clear();
    requests = 0;
    process.send?.({ type: 'reset' });
  }
});
process.on('disconnect', () => process.exit(0));

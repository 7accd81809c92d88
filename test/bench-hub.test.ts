/**
 * How the benchmark watches the hub it started (bench/lib/hub.ts), against real HTTP servers on
 * 127.0.0.1 that answer as the hub's /metrics and /readyz do.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { waitForStartupWork, watchHubHeap } from '../bench/lib/hub';

async function serve(handler: http.RequestListener): Promise<{ url: string; close(): void }> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() };
}

describe('bench: watching the hub', () => {
  it('samples the heap from a /metrics endpoint: reserved at its largest, in use then, and the least in use', async () => {
    // a real HTTP server on 127.0.0.1 playing the hub's /metrics: its heap grows, then a collection frees it
    const readings = [
      [200, 150, 20],
      [320, 300, 25],
      [330, 90, 22],
      [330, 110, 22],
    ];
    let served = 0;
    const seen: string[] = [];
    const server = await serve((req, res) => {
      seen.push(`${req.url} ${req.headers.authorization}`);
      const [total, used, external] = readings[Math.min(served++, readings.length - 1)].map((mb) => mb * 1048576);
      res.end(
        `# HELP nodejs_heap_size_total_bytes x\nnodejs_heap_size_total_bytes ${total}\nnodejs_heap_size_used_bytes ${used}\nnodejs_external_memory_bytes ${external}\n`,
      );
    });
    try {
      const watch = watchHubHeap({ url: server.url }, 'Bearer admin');
      while (served < readings.length) await new Promise((r) => setTimeout(r, 100));
      expect(await watch.stop()).toEqual({ peakTotalMb: 330, usedAtPeakMb: 90, leastUsedMb: 90, externalMb: 22 });
      expect(seen[0]).toBe('/metrics Bearer admin');
    } finally {
      server.close();
    }
  });

  it('skips a reading the hub did not finish, rather than failing the scenario', async () => {
    let served = 0;
    const server = await serve((req, res) => {
      // the first answer breaks off after its head: the body never arrives whole
      if (served++ === 0) {
        res.writeHead(200, { 'content-length': '1000' });
        res.write('nodejs_heap');
        setTimeout(() => req.socket.destroy(), 100);
        return;
      }
      res.end(
        `nodejs_heap_size_total_bytes ${100 * 1048576}\nnodejs_heap_size_used_bytes ${60 * 1048576}\nnodejs_external_memory_bytes ${10 * 1048576}\n`,
      );
    });
    try {
      const watch = watchHubHeap({ url: server.url }, 'Bearer admin');
      while (served < 2) await new Promise((r) => setTimeout(r, 100));
      expect(await watch.stop()).toEqual({ peakTotalMb: 100, usedAtPeakMb: 60, leastUsedMb: 60, externalMb: 10 });
    } finally {
      server.close();
    }
  });

  it('waits for the start-up work to be done, also while /readyz says the busy store is unavailable', async () => {
    const answers = [
      [200, { status: 'ready', startupWork: 'running' }],
      [503, { status: 'unavailable', reason: 'store: the store did not answer a ping within 3000 ms' }],
      [503, { status: 'unavailable', reason: 'store: the store did not answer a ping within 3000 ms' }],
      [200, { status: 'ready', startupWork: 'running' }],
      [200, { status: 'ready', startupWork: 'done' }],
    ] as const;
    let asked = 0;
    const server = await serve((_req, res) => {
      const [status, body] = answers[Math.min(asked++, answers.length - 1)];
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
    try {
      await waitForStartupWork({ url: server.url });
      expect(asked).toBe(answers.length);
    } finally {
      server.close();
    }
  }, 20_000);
});

import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { metadataRequest, parseMetadataResponse, requestMetadata, waitUntilReady } from './readiness.mjs';

// The Kafka side is a plain TCP server speaking the bytes of the protocol spec
// (https://kafka.apache.org/protocol#The_Messages_Metadata); the real broker is in broker.int.spec.ts.

const int16 = (n: number) => Buffer.from([(n >> 8) & 0xff, n & 0xff]);
const int32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};
const str = (s: string | null) => (s === null ? int16(-1) : Buffer.concat([int16(Buffer.byteLength(s)), Buffer.from(s)]));

/** A Metadata v8 response body (after the size): header v0, then the body up to an empty topic list. */
function metadataResponse(correlationId: number, brokers: readonly { id: number; host: string; port: number; rack: string | null }[], clusterId: string | null, controller: number): Buffer {
  return Buffer.concat([
    int32(correlationId),
    int32(0), // throttle_time_ms
    int32(brokers.length),
    ...brokers.flatMap((b) => [int32(b.id), str(b.host), int32(b.port), str(b.rack)]),
    str(clusterId),
    int32(controller),
    int32(0), // topics
    int32(-2147483648), // cluster_authorized_operations
  ]);
}
const framed = (body: Buffer) => Buffer.concat([int32(body.length), body]);

/** The correlation id of a framed request, once all of it has arrived. */
function onRequest(socket: Socket, answer: (request: Buffer, correlationId: number) => void): void {
  let buffered = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    if (buffered.length >= 4 && buffered.length >= 4 + buffered.readInt32BE(0)) answer(buffered, buffered.readInt32BE(8));
  });
}

const servers: Server[] = [];
const sockets: Socket[] = [];
async function fakeBroker(onConnection: (socket: Socket) => void): Promise<number> {
  const server = createServer((socket) => {
    sockets.push(socket);
    onConnection(socket);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
}
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

describe('metadataRequest', () => {
  it('frames a Metadata v8 request for no topics with request header v1', () => {
    const request = metadataRequest(42);
    const clientId = 'kafka-local-readiness';
    expect(request.readInt32BE(0)).toBe(request.length - 4);
    expect(request.readInt16BE(4)).toBe(3); // api key: Metadata
    expect(request.readInt16BE(6)).toBe(8); // api version
    expect(request.readInt32BE(8)).toBe(42);
    expect(request.readInt16BE(12)).toBe(clientId.length);
    expect(request.toString('utf8', 14, 14 + clientId.length)).toBe(clientId);
    const body = request.subarray(14 + clientId.length);
    // topics: empty array (not null, which would ask for every topic), then three false flags.
    expect([...body]).toEqual([0, 0, 0, 0, 0, 0, 0]);
  });
});

describe('parseMetadataResponse', () => {
  it('reads the brokers, cluster id and controller', () => {
    const response = metadataResponse(
      7,
      [
        { id: 1, host: '127.0.0.1', port: 9092, rack: null },
        { id: 2, host: 'kafka-2', port: 9094, rack: 'eu-west-1a' },
      ],
      'Spq-nP8cUxYms7nVnL5eQQ',
      2,
    );
    expect(parseMetadataResponse(response, 7)).toEqual({
      clusterId: 'Spq-nP8cUxYms7nVnL5eQQ',
      controller: 2,
      brokers: [
        { nodeId: 1, host: '127.0.0.1', port: 9092 },
        { nodeId: 2, host: 'kafka-2', port: 9094 },
      ],
    });
  });

  it('reports a missing controller (-1) as null', () => {
    expect(parseMetadataResponse(metadataResponse(1, [], null, -1), 1)).toEqual({ clusterId: null, controller: null, brokers: [] });
  });

  it('refuses an answer to another request and one cut short', () => {
    const response = metadataResponse(5, [{ id: 1, host: 'h', port: 1, rack: null }], 'c', 1);
    expect(() => parseMetadataResponse(response, 6)).toThrow(/correlation id 5, expected 6/);
    expect(() => parseMetadataResponse(response.subarray(0, 20), 5)).toThrow(/cut short/);
  });
});

describe('requestMetadata over TCP', () => {
  it('sends the request and reads an answer that arrives in pieces', async () => {
    const port = await fakeBroker((socket) =>
      onRequest(socket, (_request, correlationId) => {
        const answer = framed(metadataResponse(correlationId, [{ id: 1, host: '127.0.0.1', port: 9092, rack: null }], 'cluster', 1));
        socket.write(answer.subarray(0, 3));
        setTimeout(() => socket.write(answer.subarray(3, 20)), 10);
        setTimeout(() => socket.write(answer.subarray(20)), 20);
      }),
    );
    expect(await requestMetadata({ host: '127.0.0.1', port, timeoutMs: 2000 })).toEqual({ clusterId: 'cluster', controller: 1, brokers: [{ nodeId: 1, host: '127.0.0.1', port: 9092 }] });
  });

  it('says so when the broker hangs up, stays silent, or is not there', async () => {
    const hangsUp = await fakeBroker((socket) => onRequest(socket, () => socket.destroy()));
    await expect(requestMetadata({ host: '127.0.0.1', port: hangsUp, timeoutMs: 2000 })).rejects.toThrow(`Metadata request to 127.0.0.1:${hangsUp}: the broker closed the connection without answering`);
    const silent = await fakeBroker(() => undefined);
    await expect(requestMetadata({ host: '127.0.0.1', port: silent, timeoutMs: 100 })).rejects.toThrow(`Metadata request to 127.0.0.1:${silent}: no answer within 100 ms`);
    const [closed] = await new Promise<number[]>((resolve) => {
      const s = createServer();
      s.listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve([p]));
      });
    });
    await expect(requestMetadata({ host: '127.0.0.1', port: closed!, timeoutMs: 2000 })).rejects.toThrow(/ECONNREFUSED/);
  });
});

describe('waitUntilReady', () => {
  it('waits until the metadata names a controller', async () => {
    let requests = 0;
    const port = await fakeBroker((socket) =>
      onRequest(socket, (_request, correlationId) => {
        requests++;
        // The first answers come from a broker that has not yet seen its controller.
        socket.write(framed(metadataResponse(correlationId, [{ id: 1, host: '127.0.0.1', port: 9092, rack: null }], 'c', requests < 3 ? -1 : 1)));
      }),
    );
    expect(await waitUntilReady({ host: '127.0.0.1', port, timeoutMs: 10_000 })).toMatchObject({ controller: 1 });
    expect(requests).toBe(3);
  });

  it('gives up with NOT_READY and the last reason when the port is open but no Kafka answers', async () => {
    const port = await fakeBroker((socket) => onRequest(socket, () => socket.destroy()));
    await expect(waitUntilReady({ host: '127.0.0.1', port, timeoutMs: 600 })).rejects.toMatchObject({
      code: 'NOT_READY',
      message: expect.stringMatching(/is open but did not answer a Kafka Metadata request within 600 ms: .*closed the connection without answering/),
    });
  });
});

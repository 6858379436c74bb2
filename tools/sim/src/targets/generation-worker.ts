import { parentPort, workerData } from 'node:worker_threads';
import { createSimulation } from '../pipeline/simulation.js';
import { BATCHES_AHEAD, type GenerationRequest, type WorkerMessage } from './generation-protocol.js';
import { storeBatches } from './store-batches.js';

/*
 * Runs the generator (planning, deciding, building envelopes) on its own thread and hands batches to
 * the thread that writes the store, so both cores work. The writer acknowledges each batch; at most
 * BATCHES_AHEAD are outstanding, which bounds memory.
 */

const port = parentPort;
if (port === null) throw new Error('generation-worker must run as a worker thread');
const send = (message: WorkerMessage) => port.postMessage(message);

let acked = 0;
let wake: (() => void) | undefined;
port.on('message', (m: unknown) => {
  if (m === 'ack') {
    acked++;
    wake?.();
  }
});

async function run(request: GenerationRequest): Promise<void> {
  const simulation = createSimulation({
    scale: request.scale,
    seed: request.seed,
    ...(request.maxEvents === undefined ? {} : { maxEvents: request.maxEvents }),
    ...(request.now === undefined ? {} : { now: new Date(request.now) }),
    ...(request.blockSchools === undefined ? {} : { blockSchools: request.blockSchools }),
  });
  send({ type: 'start', info: { estimatedEvents: simulation.estimatedEvents, schools: simulation.world.schools.length, gemeenten: simulation.world.gemeenten.length } });
  let sent = 0;
  for (const batch of storeBatches(simulation.steps(), request.batchEvents)) {
    while (sent - acked >= BATCHES_AHEAD) await new Promise<void>((resolve) => (wake = resolve));
    send({ type: 'batch', batch });
    sent++;
  }
  send({ type: 'done' });
}

run(workerData as GenerationRequest).catch((error: unknown) => {
  const e = error as Error & { code?: unknown };
  send({ type: 'error', name: e.name, message: e.message, ...(typeof e.code === 'string' ? { code: e.code } : {}) });
});

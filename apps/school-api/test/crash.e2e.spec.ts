import { decodeEvent } from '@npo/contracts';
import { TokenService } from '@npo/platform';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { allocationBody, brinNo, interventionBody, registration } from './support/bodies.js';
import { spawnBuiltApi, type BuiltApi } from './support/built-api.js';
import { call, type CallOptions } from './support/http.js';
import { newDataDir, removeDataDir, storedEvents, storeFileIn } from './support/test-api.js';

const SCHOOLS = 20;
const COMMANDS = 300;
const CLIENTS = 6;
/** The API is killed once this many commands have been answered, so the rest are in flight or unsent. */
const KILL_AFTER = 120;
const codes = ['A1', 'A2', 'A3', 'B1', 'B2', 'B3', 'B4', 'B5'];

interface Command {
  readonly key: string;
  readonly path: string;
  readonly brin: string;
  readonly role: 'ocw' | 'school';
  readonly json: unknown;
}

type Outcome = { readonly kind: 'answered'; readonly status: number; readonly eventId?: string } | { readonly kind: 'no-answer'; readonly error: string } | { readonly kind: 'not-sent' };

/** Command n: school n mod 20; per school alternately an intervention (distinct codes) and an allocation. */
function commandNo(n: number): Command {
  const brin = brinNo(n % SCHOOLS);
  const k = Math.floor(n / SCHOOLS);
  const key = `crash-${n}`;
  return k % 2 === 0
    ? { key, brin, role: 'school', path: `/v1/schools/${brin}/interventions`, json: interventionBody(codes[k / 2]!) }
    : { key, brin, role: 'ocw', path: `/v1/schools/${brin}/allocations`, json: allocationBody(10_000 + n) };
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
}

let dataDir: string;
let apis: BuiltApi[] = [];

beforeEach(async () => {
  dataDir = await newDataDir();
});
afterEach(async () => {
  for (const api of apis) {
    if (api.child.exitCode === null && api.child.signalCode === null) {
      api.child.kill('SIGKILL');
      await api.exited;
    }
  }
  apis = [];
  await removeDataDir(dataDir);
});

describe('crash: kill -9 of the built API during a load', () => {
  it('every command answered 2xx is stored, no event is partial, and retries after restart record each command once', async () => {
    const tokens = await TokenService.fromDataDir(dataDir); // the key the API will load from the same dir
    const ocw = await tokens.issueToken({ role: 'ocw' });
    const schoolTokens = new Map<string, string>();
    for (let i = 0; i < SCHOOLS; i++) schoolTokens.set(brinNo(i), await tokens.issueToken({ role: 'school', brin: brinNo(i) }));
    const tokenFor = (c: Command) => (c.role === 'ocw' ? ocw : schoolTokens.get(c.brin)!);
    const send = (url: string, c: Command) => call(url, 'POST', c.path, { token: tokenFor(c), json: c.json, idempotencyKey: c.key } satisfies CallOptions);

    const first = await spawnBuiltApi(dataDir);
    apis.push(first);
    for (let i = 0; i < SCHOOLS; i++) {
      const answer = await call(first.url, 'PUT', `/v1/schools/${brinNo(i)}`, { token: ocw, json: registration({ name: `School ${i}` }) });
      expect(answer.status, first.output()).toBe(201);
    }

    // The load: CLIENTS workers take commands from one queue; the process is killed mid-way.
    const commands = Array.from({ length: COMMANDS }, (_, n) => commandNo(n));
    const outcomes: Outcome[] = commands.map(() => ({ kind: 'not-sent' }));
    let next = 0;
    let answered = 0;
    let killed = false;
    const worker = async () => {
      while (next < commands.length && !killed) {
        const n = next++;
        try {
          const answer = await send(first.url, commands[n]!);
          outcomes[n] = { kind: 'answered', status: answer.status, eventId: answer.body?.eventId };
          if (++answered === KILL_AFTER) {
            killed = first.child.kill('SIGKILL');
          }
        } catch (error) {
          outcomes[n] = { kind: 'no-answer', error: String((error as Error).cause ?? error) };
        }
      }
    };
    await Promise.all(Array.from({ length: CLIENTS }, worker));
    expect(await first.exited).toBe('SIGKILL');

    const acknowledged = outcomes.filter((o): o is Extract<Outcome, { kind: 'answered' }> => o.kind === 'answered');
    expect(acknowledged.length).toBeGreaterThanOrEqual(KILL_AFTER);
    // Before the kill every command is valid and must have been accepted.
    expect(acknowledged.every((o) => o.status === 201), JSON.stringify(acknowledged.filter((o) => o.status !== 201))).toBe(true);
    expect(outcomes.filter((o) => o.kind === 'not-sent').length).toBeGreaterThan(0); // the kill really came mid-load

    // The file after the crash, before anything opens it for writing again.
    const integrity = new Database(storeFileIn(dataDir), { readonly: true });
    try {
      expect(integrity.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      integrity.close();
    }

    const second = await spawnBuiltApi(dataDir);
    apis.push(second);

    const afterCrash = await storedEvents(dataDir);
    const ids = new Set(afterCrash.map((e) => e.id));
    const lost = acknowledged.filter((o) => !ids.has(o.eventId!));
    expect(lost, 'acknowledged commands missing from the store').toEqual([]);
    const undecodable = afterCrash.map((e) => ({ id: e.id, result: decodeEvent(e) })).filter((d) => !d.result.ok);
    expect(undecodable).toEqual([]);
    const byStream = groupBy(afterCrash, (e) => e.streamId);
    expect(byStream.size).toBe(SCHOOLS);
    for (const [stream, events] of byStream) {
      expect(events.map((e) => e.streamPosition), stream).toEqual(events.map((_, i) => i));
    }
    const globals = afterCrash.map((e) => e.globalPosition);
    expect(globals.every((g, i) => i === 0 || g > globals[i - 1]!)).toBe(true);

    const inFlight = outcomes.filter((o) => o.kind === 'no-answer').length;
    const storedUnanswered = afterCrash.filter((e) => e.metadata.idempotencyKey?.startsWith('crash-') && !acknowledged.some((o) => o.eventId === e.id)).length;
    console.info(
      `crash test: ${acknowledged.length} answered 201 before kill -9, ${inFlight} in flight (${storedUnanswered} of them stored), ` +
        `${outcomes.filter((o) => o.kind === 'not-sent').length} not sent; ${afterCrash.length} events after restart`,
    );

    // Clients retry whatever got no answer (same Idempotency-Key) and send the rest: each command
    // ends up recorded exactly once, whether or not its first attempt reached the disk.
    const unanswered = commands.filter((_, n) => outcomes[n]!.kind !== 'answered');
    for (const c of unanswered) {
      const answer = await send(second.url, c);
      expect(answer.status, `${c.key}: ${answer.text}`).toBe(201);
    }
    const final = await storedEvents(dataDir);
    const perKey = groupBy(
      final.filter((e) => e.metadata.idempotencyKey?.startsWith('crash-')),
      (e) => e.metadata.idempotencyKey!,
    );
    expect(perKey.size).toBe(COMMANDS);
    expect([...perKey.values()].every((events) => events.length === 1)).toBe(true);

    // The restarted API serves the recovered state.
    const plan = await call(second.url, 'GET', `/v1/schools/${brinNo(0)}`, { token: ocw });
    expect(plan.status).toBe(200);
    const perSchool = COMMANDS / SCHOOLS;
    expect(plan.body.years[0].activeChoices).toHaveLength(Math.ceil(perSchool / 2));
    expect(plan.body.years[0].allocations).toHaveLength(Math.floor(perSchool / 2));
  });
});

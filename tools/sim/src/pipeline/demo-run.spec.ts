import { PassThrough } from 'node:stream';
import {
  allocationBodySchema,
  evaluationBodySchema,
  interventionBodySchema,
  metadataSchema,
  mrDecisionBodySchema,
  registerSchoolBodySchema,
  scanBodySchema,
  validateEventData,
  withdrawalBodySchema,
  type Actor,
  type NpoEventData,
  type NpoEventType,
} from '@npo/contracts';
import {
  decideGemeente,
  decideSchool,
  evolveGemeente,
  evolveSchool,
  initialGemeenteState,
  initialSchoolState,
  type GemeenteCommand,
  type GemeenteState,
  type SchoolCommand,
  type SchoolState,
} from '@npo/domain';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeNdjson, type NdjsonFormat } from '../targets/ndjson-target.js';
import { createSimulation } from './simulation.js';

const NOW = new Date('2026-01-01T00:00:00Z');

async function ndjson(seed: number, format: NdjsonFormat): Promise<string> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  await writeNdjson(createSimulation({ scale: 'demo', seed, now: NOW }).steps(), out, { format });
  out.end();
  return Buffer.concat(chunks).toString('utf8');
}

interface RequestLine {
  at: string;
  method: string;
  path: string;
  auth: { role: string; brin?: string };
  idempotencyKey: string;
  body: Record<string, unknown>;
}

/**
 * The API's mapping from a request to a domain command, written here from DESIGN.md's route table
 * (independently of the simulator's own mapping), so the replay checks the NDJSON as an API client's
 * input, not the simulator against itself.
 */
function toCommand(line: RequestLine): { streamId: string; command: SchoolCommand | GemeenteCommand } {
  const actor: Actor = line.auth.role === 'school' ? { role: 'school', id: `school:${line.auth.brin}` } : { role: 'ocw', id: 'ocw' };
  const gemeente = /^\/v1\/gemeenten\/(GM\d{4})\/allocations$/.exec(line.path);
  if (gemeente && line.method === 'POST') {
    const body = allocationBodySchema.parse(line.body);
    return { streamId: `gemeente-${gemeente[1]}`, command: { type: 'AllocateGemeenteFunds', actor, data: { gemeente: gemeente[1]!, ...body } } };
  }
  const m = /^\/v1\/schools\/([0-9A-Z]+)(\/.*)?$/.exec(line.path);
  if (!m) throw new Error(`unknown route ${line.method} ${line.path}`);
  const brin = m[1]!;
  const rest = m[2] ?? '';
  const streamId = `school-${brin}`;
  const withdrawal = /^\/interventions\/([A-F]\d+)\/withdrawals$/.exec(rest);
  if (line.method === 'PUT' && rest === '') return { streamId, command: { type: 'RegisterSchool', actor, data: { brin, ...registerSchoolBodySchema.parse(line.body) } } };
  if (line.method !== 'POST') throw new Error(`unexpected ${line.method} ${line.path}`);
  if (rest === '/scans') return { streamId, command: { type: 'CompleteScan', actor, data: { brin, ...scanBodySchema.parse(line.body) } } };
  if (rest === '/interventions') return { streamId, command: { type: 'ChooseIntervention', actor, data: { brin, ...interventionBodySchema.parse(line.body) } } };
  if (withdrawal) {
    return { streamId, command: { type: 'WithdrawIntervention', actor, data: { brin, code: withdrawal[1]!, ...withdrawalBodySchema.parse(line.body) } } };
  }
  if (rest === '/mr-decisions') return { streamId, command: { type: 'DecideMr', actor, data: { brin, ...mrDecisionBodySchema.parse(line.body) } } };
  if (rest === '/evaluations') return { streamId, command: { type: 'EvaluateIntervention', actor, data: { brin, ...evaluationBodySchema.parse(line.body) } } };
  if (rest === '/allocations') return { streamId, command: { type: 'AllocateFunds', actor, data: { brin, ...allocationBodySchema.parse(line.body) } } };
  throw new Error(`unknown route ${line.method} ${line.path}`);
}

describe('demo run', () => {
  let requests: string;
  let events: string;
  beforeAll(async () => {
    requests = await ndjson(42, 'requests');
    events = await ndjson(42, 'events');
  });

  it('is byte-identical for the same seed, in both formats', async () => {
    expect(await ndjson(42, 'requests')).toBe(requests);
    expect(await ndjson(42, 'events')).toBe(events);
  });

  it('differs for another seed', async () => {
    expect(await ndjson(43, 'requests')).not.toBe(requests);
  });

  it('every request is accepted by the domain when replayed in order, each recording one event', () => {
    const schools = new Map<string, SchoolState>();
    const gemeenten = new Map<string, GemeenteState>();
    const lines = requests.trimEnd().split('\n').map((l) => JSON.parse(l) as RequestLine);
    const recorded = new Map<NpoEventType, number>();
    const violations: string[] = [];
    let previousAt = '';
    for (const line of lines) {
      expect(line.at >= previousAt).toBe(true); // the run is in time order
      previousAt = line.at;
      const { streamId, command } = toCommand(line);
      let decided: NpoEventData[];
      try {
        if (command.type === 'AllocateGemeenteFunds') {
          const state = gemeenten.get(streamId) ?? initialGemeenteState();
          decided = decideGemeente(command, state);
          gemeenten.set(streamId, decided.reduce(evolveGemeente, state));
        } else {
          const state = schools.get(streamId) ?? initialSchoolState();
          decided = decideSchool(command, state, { now: line.at });
          schools.set(streamId, decided.reduce(evolveSchool, state));
        }
      } catch (error) {
        violations.push(`${line.method} ${line.path}: ${(error as Error).message}`);
        continue;
      }
      expect(decided).toHaveLength(1);
      for (const e of decided) recorded.set(e.type, (recorded.get(e.type) ?? 0) + 1);
    }
    expect(violations).toEqual([]);
    // The demo exercises every kind of event, including the rarer paths.
    for (const type of [
      'npo.SchoolRegistered',
      'npo.SchoolDetailsChanged',
      'npo.ScanCompleted',
      'npo.InterventionChosen',
      'npo.InterventionWithdrawn',
      'npo.MrApproved',
      'npo.MrRejected',
      'npo.FundsAllocated',
      'npo.GemeenteFundsAllocated',
      'npo.InterventionEvaluated',
    ] as const) {
      expect(recorded.get(type) ?? 0, type).toBeGreaterThan(0);
    }
  });

  it('has MR decisions after the 10 July deadline, F choices, and measured effects', () => {
    const lines = requests.trimEnd().split('\n').map((l) => JSON.parse(l) as RequestLine);
    const late = lines.filter((l) => l.path.endsWith('/mr-decisions') && (l.body['decidedOn'] as string) > `${(l.body['schoolYear'] as string).slice(0, 4)}-07-10`);
    expect(late.length).toBeGreaterThan(0);
    expect(lines.some((l) => l.path.endsWith('/interventions') && (l.body['code'] as string).startsWith('F'))).toBe(true);
    expect(lines.some((l) => l.path.endsWith('/evaluations') && l.body['measuredEffect'] !== undefined)).toBe(true);
  });

  it('writes envelopes the contracts accept: v7 ids, current versions, valid data and metadata, consecutive positions', () => {
    const next = new Map<string, number>();
    const ids = new Set<string>();
    for (const line of events.trimEnd().split('\n')) {
      const e = JSON.parse(line) as { streamId: string; streamPosition: number; id: string; type: NpoEventType; schemaVersion: number; occurredAt: string; data: unknown; metadata: unknown };
      expect(e.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(ids.has(e.id)).toBe(false);
      ids.add(e.id);
      expect(validateEventData(e.type, e.data).ok).toBe(true);
      expect(metadataSchema.safeParse(e.metadata).success).toBe(true);
      expect(e.streamPosition).toBe(next.get(e.streamId) ?? 0);
      next.set(e.streamId, e.streamPosition + 1);
      expect(e.occurredAt <= NOW.toISOString()).toBe(true);
    }
    expect(ids.size).toBe(requests.trimEnd().split('\n').length);
  });

  it('generates nothing after `now`', async () => {
    const cut = new Date('2022-06-01T00:00:00Z');
    const steps = [...createSimulation({ scale: 'demo', seed: 42, now: cut }).steps()];
    expect(steps.length).toBeGreaterThan(0);
    expect(steps.every((s) => s.at <= cut.toISOString())).toBe(true);
    expect(steps.length).toBeLessThan(requests.trimEnd().split('\n').length);
  });

  it('stops at exactly maxEvents', () => {
    const steps = [...createSimulation({ scale: 'demo', seed: 42, now: NOW, maxEvents: 123 }).steps()];
    expect(steps.reduce((s, step) => s + step.events.length, 0)).toBe(123);
  });
});

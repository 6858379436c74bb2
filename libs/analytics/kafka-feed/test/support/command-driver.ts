// Drives the store the way the school API does: a command is decided on the stream's state by the
// domain decider and its events are appended with the stream's version as expected version.
import { randomUUID } from 'node:crypto';
import { eventContracts, schoolStreamId, type Actor, type NpoSchoolEventData } from '@npo/contracts';
import { categoryOf, codesInEdition, decideSchool, evolveSchool, initialSchoolState, menukaartEditionFor, type SchoolCommand, type SchoolState } from '@npo/domain';
import type { EventStore } from '@npo/event-store';

const YEAR = '2022-2023';
const NOW = '2023-06-30T12:00:00.000Z';
const edition = menukaartEditionFor(YEAR) ?? 'v1';
const codes = codesInEdition(edition).filter((c) => categoryOf(c) !== 'F' && c !== 'B3');
const gemeenten = ['GM0363', 'GM0599', 'GM0014', 'GM0080'];
const letters = 'ABCDEFGHJKLMNPRSTUVWXYZ';
const brinFor = (i: number): string => `${String(10 + (i % 90)).padStart(2, '0')}${letters[Math.floor(i / 90) % letters.length]}${letters[i % letters.length]}`;

const school: Actor = { role: 'school', id: 'pipeline-test' };
const ocw: Actor = { role: 'ocw', id: 'pipeline-test' };

interface School {
  readonly brin: string;
  state: SchoolState;
  version: number;
  step: number;
}

/**
 * Commands for `schools` schools in a fixed rotation: register, scan, a first choice, then forever
 * B3 chosen -> funds allocated -> MR decision -> B3 withdrawn -> evaluation. Every command is valid
 * whatever came before, so a load can run for as long as it likes.
 */
export class CommandDriver {
  readonly #schools: School[];
  #turn = 0;
  commands = 0;
  events = 0;

  /** `firstSchool`: where in the BRIN sequence this driver's schools start (two drivers on one store use distinct ones). */
  constructor(
    private readonly store: EventStore,
    schools: number,
    firstSchool = 0,
  ) {
    this.#schools = Array.from({ length: schools }, (_, i) => ({ brin: brinFor(firstSchool + i), state: initialSchoolState(), version: -1, step: 0 }));
  }

  /** Decides and appends the next command; returns how many events it recorded. */
  async next(): Promise<number> {
    const s = this.#schools[this.#turn++ % this.#schools.length]!;
    const command = this.#command(s);
    s.step++;
    const decided = decideSchool(command, s.state, { now: NOW });
    this.commands++;
    if (decided.length === 0) return 0;
    await this.store.append(
      schoolStreamId(s.brin),
      decided.map((e) => this.#toNew(e)),
      { expectedVersion: s.version < 0 ? 'no_stream' : s.version },
    );
    for (const e of decided) s.state = evolveSchool(s.state, e);
    s.version += decided.length;
    this.events += decided.length;
    return decided.length;
  }

  /** Runs until `events` more events are recorded, at about `perSecond` when given. */
  async run(events: number, perSecond?: number, signal?: AbortSignal): Promise<void> {
    const target = this.events + events;
    const started = performance.now();
    const from = this.events;
    while (this.events < target && !signal?.aborted) {
      await this.next();
      if (perSecond !== undefined) {
        const due = started + ((this.events - from) * 1000) / perSecond;
        const wait = due - performance.now();
        if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
  }

  #toNew(e: NpoSchoolEventData) {
    return {
      id: randomUUID(),
      type: e.type,
      schemaVersion: eventContracts[e.type].currentVersion,
      occurredAt: NOW,
      data: e.data,
      metadata: { correlationId: randomUUID(), causationId: null, actor: e.type === 'npo.FundsAllocated' ? ocw : school, idempotencyKey: null },
    };
  }

  #command(s: School): SchoolCommand {
    const { brin, step } = s;
    const firstCode = codes[brin.charCodeAt(3) % codes.length]!;
    switch (step) {
      case 0:
        return {
          type: 'RegisterSchool',
          actor: ocw,
          data: { brin, name: `Basisschool ${brin}`, sector: 'bo', gemeente: gemeenten[brin.charCodeAt(2) % gemeenten.length]!, pupils: 120 + (brin.charCodeAt(3) % 300), achterstandsscore: brin.charCodeAt(2) % 40 },
        };
      case 1:
        return {
          type: 'CompleteScan',
          actor: school,
          data: { brin, schoolYear: YEAR, completedOn: '2022-10-03', findings: { rekenen: 'mild', taal: 'none', lezen: 'considerable', executieveFuncties: 'none', sociaalEmotioneel: 'severe', welbevinden: 'mild' } },
        };
      case 2:
        return { type: 'ChooseIntervention', actor: school, data: { brin, schoolYear: YEAR, code: firstCode, plannedBudgetCents: 1_000_000 + step, pupilsReached: 30, targetDomains: ['rekenen'] } };
      default:
        break;
    }
    const round = step - 3;
    switch (round % 5) {
      case 0:
        return { type: 'ChooseIntervention', actor: school, data: { brin, schoolYear: YEAR, code: 'B3', plannedBudgetCents: 250_000 + round, pupilsReached: 40, targetDomains: ['rekenen', 'lezen'] } };
      case 1:
        return { type: 'AllocateFunds', actor: ocw, data: { brin, schoolYear: YEAR, amountCents: 500_000 + round, basis: 'NPO-bekostiging' } };
      case 2:
        return { type: 'DecideMr', actor: school, data: { brin, schoolYear: YEAR, decision: round % 2 === 0 ? 'approved' : 'rejected', decidedOn: '2023-01-16' } };
      case 3:
        return { type: 'WithdrawIntervention', actor: school, data: { brin, schoolYear: YEAR, code: 'B3', reason: 'Andere aanpak gekozen' } };
      default:
        return {
          type: 'EvaluateIntervention',
          actor: school,
          data: { brin, schoolYear: YEAR, code: firstCode, implementedAsPlanned: 'partly', experiencedEffect: 1 + (round % 5), ...(round % 2 === 0 ? { measuredEffect: { effectSize: 0.2, pupils: 25, instrument: 'Cito' } } : {}) },
        };
    }
  }
}

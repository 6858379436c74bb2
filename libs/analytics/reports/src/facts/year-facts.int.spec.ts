import { join } from 'node:path';
import { AnalyticsDatabase, runProjector, storeEventFeed } from '@npo/analytics-model';
import { appendSteps, ev, school, type Step, tempDir } from '@npo/analytics-model/testing';
import { openSqliteEventStore } from '@npo/event-store';
import { describe, expect, it } from 'vitest';
import { loadReference } from './school-facts.js';
import { loadYearFacts } from './year-facts.js';

const Y = '2021-2022';
describe('year facts while the projector writes', () => {
  it('keep each school its own facts when a school is registered between the loader queries (one snapshot)', async () => {
    const dir = tempDir('race');
    const store = await openSqliteEventStore({ path: join(dir.path, 'events.sqlite') });
    const steps: Step[] = [];
    for (const [brin, gm, cents] of [['10AA', 'GM0363', 111], ['30AA', 'GM0599', 333], ['40AA', 'GM0060', 444]] as const) {
      steps.push(ev.registered(school(brin, gm), '2021-03-01'), ev.chosen(brin, Y, 'B3', cents * 1000, '2021-05-12'));
    }
    await appendSteps(store, steps);
    const db = await AnalyticsDatabase.open({ dir: join(dir.path, 'analytics') });
    const feed = storeEventFeed(store);
    const head = await feed.head();
    await db.read((conn) => runProjector(conn, { feed, until: head }));
    // The projector applies a registration (brin 20AA) right after the loader read the school list.
    await appendSteps(store, [ev.registered(school('20AA', 'GM0088'), '2021-04-01')]);
    const head2 = await feed.head();
    let projected = false;
    const facts = await db.read(async (conn) => {
      const reference = await loadReference(conn);
      const spy = new Proxy(conn, {
        get(target, prop, receiver) {
          if (prop !== 'runAndReadAll') return Reflect.get(target, prop, receiver);
          return async (sql: string, params?: unknown) => {
            const result = await target.runAndReadAll(sql, params as never);
            if (!projected && sql.includes('SELECT school, brin')) {
              projected = true;
              await db.read((other) => runProjector(other, { feed, until: head2 }));
            }
            return result;
          };
        },
      });
      return loadYearFacts(spy as typeof conn, [Y], '2021-07-31', reference);
    });
    const got = facts[0]!.schools.map((s) => [s.brin, s.gemeente, s.choices.map((c) => c.cents)]);
    expect(projected).toBe(true);
    // The loader read the snapshot it began with: three schools, each with its own choice.
    expect(got).toEqual([['10AA', 'GM0363', [111000]], ['30AA', 'GM0599', [333000]], ['40AA', 'GM0060', [444000]]]);
    // The registration did land meanwhile: a later read has the fourth school, without facts of its own.
    const later = await db.read(async (conn) => loadYearFacts(conn, [Y], '2021-07-31', await loadReference(conn)));
    expect(later[0]!.schools.map((s) => [s.brin, s.choices.map((c) => c.cents)])).toEqual([['10AA', [111000]], ['20AA', []], ['30AA', [333000]], ['40AA', [444000]]]);
    await db.close();
    await store.close();
    dir.remove();
  });
});

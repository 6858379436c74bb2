import { connect } from 'node:net';
import { commandAcceptedSchema, decodeEvent, schoolPlanViewSchema, type RecordedEvent } from '@npo/contracts';
import { TokenService } from '@npo/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allocationBody, evaluationBody, interventionBody, mrDecisionBody, registration, scanBody, withdrawalBody, YEAR } from './support/bodies.js';
import { call, clientOf, type HttpAnswer } from './support/http.js';
import { startTestApi, storedEvents, type TestApi } from './support/test-api.js';

/** DESIGN.md "School API": every route, as OpenAPI writes it. */
const designRoutes = [
  'PUT /v1/schools/{brin}',
  'GET /v1/schools/{brin}',
  'POST /v1/schools/{brin}/scans',
  'POST /v1/schools/{brin}/interventions',
  'POST /v1/schools/{brin}/interventions/{code}/withdrawals',
  'POST /v1/schools/{brin}/mr-decisions',
  'POST /v1/schools/{brin}/evaluations',
  'POST /v1/schools/{brin}/allocations',
  'POST /v1/gemeenten/{code}/allocations',
].sort();
/** The platform's operations routes, documented beside them. */
const operationsRoutes = ['GET /health/live', 'GET /health/ready', 'GET /metrics'];

const BRIN = '16SW';

let t: TestApi;
let http: ReturnType<typeof clientOf>;
let ocw: string;
let admin: string;
let school: string;

beforeAll(async () => {
  t = await startTestApi();
  http = clientOf(t.url);
  [ocw, admin, school] = await Promise.all([t.token({ role: 'ocw' }), t.token({ role: 'admin' }), t.token({ role: 'school', brin: BRIN })]);
});
afterAll(async () => {
  await t?.close();
});

/** A 2xx command answer, checked against the documented shape, and the event it names as stored. */
async function recorded(answer: HttpAnswer, status: number): Promise<RecordedEvent> {
  expect(answer.status, answer.text).toBe(status);
  expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
  expect(commandAcceptedSchema.safeParse(answer.body).success, answer.text).toBe(true);
  expect(answer.body.eventIds.at(-1)).toBe(answer.body.eventId);
  const events = await storedEvents(t.dataDir);
  const event = events.find((e) => e.id === answer.body.eventId);
  expect(event, `event ${answer.body.eventId} in the store`).toBeDefined();
  expect(event!.streamPosition).toBe(answer.body.streamVersion);
  expect(event!.globalPosition).toBe(answer.body.globalPosition);
  expect(decodeEvent(event).ok).toBe(true);
  // The request's correlation id travels into the event metadata.
  expect(event!.metadata.correlationId).toBe(answer.headers.get('x-correlation-id'));
  return event!;
}

describe('school API routes over real HTTP', () => {
  it('PUT /v1/schools/{brin} registers (201), updates (200) and accepts an identical repeat (200, nothing new)', async () => {
    const registered = await recorded(await http.put(`/v1/schools/${BRIN}`, { token: ocw, json: registration() }), 201);
    expect(registered).toMatchObject({ type: 'npo.SchoolRegistered', streamId: `school-${BRIN}`, streamPosition: 0 });
    expect(registered.data).toEqual({ brin: BRIN, ...registration() });
    expect(registered.metadata.actor).toEqual({ role: 'ocw', id: 'ocw' });

    const changed = await recorded(await http.put(`/v1/schools/${BRIN}`, { token: admin, json: registration({ pupils: 251 }) }), 200);
    expect(changed).toMatchObject({ type: 'npo.SchoolDetailsChanged', streamPosition: 1, data: { pupils: 251 } });
    expect(changed.metadata.actor).toEqual({ role: 'admin', id: 'admin' });

    const before = (await storedEvents(t.dataDir)).length;
    const repeat = await http.put(`/v1/schools/${BRIN}`, { token: ocw, json: registration({ pupils: 251 }) });
    expect(repeat.status).toBe(200);
    expect(repeat.body).toMatchObject({ eventId: changed.id, streamVersion: 1 });
    expect(await storedEvents(t.dataDir)).toHaveLength(before);
  });

  it('POST scans, interventions, withdrawals, mr-decisions and evaluations record the school\'s decisions', async () => {
    const scan = await recorded(await http.post(`/v1/schools/${BRIN}/scans`, { token: school, json: scanBody() }), 201);
    expect(scan).toMatchObject({ type: 'npo.ScanCompleted', data: { brin: BRIN, ...scanBody() } });
    expect(scan.metadata.actor).toEqual({ role: 'school', id: BRIN });

    const b3 = await recorded(await http.post(`/v1/schools/${BRIN}/interventions`, { token: school, json: interventionBody('B3') }), 201);
    expect(b3).toMatchObject({ type: 'npo.InterventionChosen', data: { brin: BRIN, ...interventionBody('B3') } });
    await recorded(await http.post(`/v1/schools/${BRIN}/interventions`, { token: school, json: interventionBody('F1') }), 201);

    const withdrawn = await recorded(
      await http.post(`/v1/schools/${BRIN}/interventions/F1/withdrawals`, { token: school, json: withdrawalBody() }),
      201,
    );
    expect(withdrawn).toMatchObject({ type: 'npo.InterventionWithdrawn', data: { brin: BRIN, code: 'F1', ...withdrawalBody() } });

    const approved = await recorded(await http.post(`/v1/schools/${BRIN}/mr-decisions`, { token: school, json: mrDecisionBody('approved') }), 201);
    // Consent is for the plan version after three changes: two choices and one withdrawal.
    expect(approved).toMatchObject({ type: 'npo.MrApproved', data: { brin: BRIN, schoolYear: YEAR, planVersion: 3, decidedOn: '2022-06-20' } });

    const evaluated = await recorded(await http.post(`/v1/schools/${BRIN}/evaluations`, { token: school, json: evaluationBody('B3') }), 201);
    expect(evaluated).toMatchObject({ type: 'npo.InterventionEvaluated', data: { brin: BRIN, ...evaluationBody('B3') } });
  });

  it('POST /v1/schools/{brin}/allocations and /v1/gemeenten/{code}/allocations record funds by ocw', async () => {
    const toSchool = await recorded(
      await http.post(`/v1/schools/${BRIN}/allocations`, { token: ocw, json: allocationBody(180_000_00), idempotencyKey: 'routes-school-allocation' }),
      201,
    );
    expect(toSchool).toMatchObject({ type: 'npo.FundsAllocated', data: { brin: BRIN, ...allocationBody(180_000_00) } });

    const toGemeente = await recorded(
      await http.post('/v1/gemeenten/GM0363/allocations', { token: ocw, json: allocationBody(2_000_000_00), idempotencyKey: 'routes-gemeente-allocation' }),
      201,
    );
    expect(toGemeente).toMatchObject({
      type: 'npo.GemeenteFundsAllocated',
      streamId: 'gemeente-GM0363',
      streamPosition: 0,
      data: { gemeente: 'GM0363', ...allocationBody(2_000_000_00) },
    });
  });

  it('GET /v1/schools/{brin} shows the plan: with scan findings for the school, without them for ocw and admin', async () => {
    const own = await http.get(`/v1/schools/${BRIN}`, { token: school });
    expect(own.status).toBe(200);
    expect(schoolPlanViewSchema.safeParse(own.body).success, own.text).toBe(true);
    expect(own.body).toMatchObject({ brin: BRIN, name: registration().name, pupils: 251, gemeente: 'GM0363' });
    expect(own.body.years).toHaveLength(1);
    const year = own.body.years[0];
    expect(year).toMatchObject({
      schoolYear: YEAR,
      scan: { completedOn: scanBody().completedOn, findings: scanBody().findings },
      planVersion: 3,
      consent: { status: 'approved', lastDecision: { decision: 'approved', planVersion: 3, decidedOn: '2022-06-20' } },
      withdrawnCodes: ['F1'],
      plannedBudgetCents: interventionBody('B3').plannedBudgetCents,
      allocatedCents: 180_000_00,
    });
    expect(year.activeChoices.map((c: { code: string }) => c.code)).toEqual(['B3']);
    expect(year.evaluations).toEqual([{ code: 'B3', implementedAsPlanned: 'partly', experiencedEffect: 4, measuredEffect: evaluationBody('B3').measuredEffect }]);

    for (const token of [ocw, admin]) {
      const theirs = await http.get(`/v1/schools/${BRIN}`, { token });
      expect(theirs.status).toBe(200);
      expect(theirs.body.years[0].scan).toEqual({ completedOn: scanBody().completedOn });
      expect(theirs.body.years[0].activeChoices).toEqual(year.activeChoices);
    }
  });

  it('every stored event decodes against the contract and the school stream is contiguous', async () => {
    const events = await storedEvents(t.dataDir);
    expect(events.every((e) => decodeEvent(e).ok)).toBe(true);
    const school = events.filter((e) => e.streamId === `school-${BRIN}`);
    expect(school.map((e) => e.streamPosition)).toEqual(school.map((_, i) => i));
  });
});

describe('documentation and operations routes', () => {
  it('/openapi.json is an OpenAPI 3.1 document of exactly the design\'s and the operations routes, each of them routed', async () => {
    const answer = await http.get('/openapi.json');
    expect(answer.status).toBe(200);
    const doc = answer.body;
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect(typeof doc.info.title).toBe('string');
    expect(typeof doc.info.version).toBe('string');

    const methods = ['get', 'put', 'post', 'delete', 'patch'];
    const documented = Object.entries(doc.paths as Record<string, Record<string, unknown>>)
      .flatMap(([path, item]) => Object.keys(item).filter((m) => methods.includes(m)).map((m) => `${m.toUpperCase()} ${path}`))
      .sort();
    expect(documented).toEqual([...designRoutes, ...operationsRoutes].sort());

    // Every documented operation exists on the server: without a token it is refused (401), not unknown
    // (404); the public health routes answer.
    for (const route of documented) {
      const [method, template] = route.split(' ') as [string, string];
      const path = template.replace('{brin}', BRIN).replace('{code}', template.startsWith('/v1/gemeenten') ? 'GM0363' : 'B3');
      const probe = await call(t.url, method, path, method === 'GET' ? {} : { json: {} });
      expect(probe.status, route).toBe(template.startsWith('/health/') ? 200 : 401);
    }
    // ... and the server has no route the document leaves out, besides the documentation itself.
    const routed = routedPaths(t.api.app.getHttpAdapter().getInstance().printRoutes({ commonPrefix: false })).filter((r) => !isDocsRoute(r));
    expect(routed).toEqual(documented.map((r) => r.replace(/\{(\w+)\}/g, ':$1')).sort());
  });

  it('the document is internally consistent: path parameters declared, $refs resolve, problem responses typed', async () => {
    const doc = (await http.get('/openapi.json')).body;
    const refs: string[] = [];
    const collect = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(collect);
      else if (node !== null && typeof node === 'object') {
        for (const [k, v] of Object.entries(node)) {
          if (k === '$ref' && typeof v === 'string') refs.push(v);
          else collect(v);
        }
      }
    };
    collect(doc);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) {
      const target = ref.replace(/^#\//, '').split('/').reduce((node: Record<string, unknown> | undefined, key) => node?.[key] as Record<string, unknown> | undefined, doc);
      expect(target, ref).toBeDefined();
    }
    for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, { parameters?: { name: string; in: string; required?: boolean }[]; responses: Record<string, { content?: Record<string, unknown> }>; requestBody?: unknown }>>)) {
      const templated = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      for (const [method, op] of Object.entries(item)) {
        const declared = (op.parameters ?? []).filter((p) => p.in === 'path');
        expect(declared.map((p) => p.name).sort(), `${method} ${path}`).toEqual(templated);
        expect(declared.every((p) => p.required === true)).toBe(true);
        expect(op.responses['401'], `${method} ${path}`).toBeDefined();
        for (const [status, response] of Object.entries(op.responses)) {
          if (Number(status) < 400 || (path === '/health/ready' && status === '503')) continue; // readiness reports itself
          const content = response.content ?? resolveRef<{ content?: Record<string, unknown> }>(doc, (response as { $ref?: string }).$ref)?.content;
          expect(Object.keys(content ?? {}), `${method} ${path} ${status}`).toEqual(['application/problem+json']);
        }
        if (method !== 'get') {
          expect(op.requestBody, `${method} ${path}`).toBeDefined();
          for (const status of ['201', '409', '413', '415', '422']) expect(op.responses[status], `${method} ${path} ${status}`).toBeDefined();
        }
      }
    }
  });

  it('documents the request bodies as the server validates them: the same required fields, unknown fields refused', async () => {
    const doc = (await http.get('/openapi.json')).body;
    const bodySchema = (path: string, method = 'post') => {
      const ref: string = doc.paths[path][method].requestBody.content['application/json'].schema.$ref;
      return doc.components.schemas[ref.split('/').at(-1)!];
    };
    const cases: [string, string, Record<string, unknown>, string[]][] = [
      ['/v1/schools/{brin}', 'put', registration(), []],
      ['/v1/schools/{brin}/scans', 'post', scanBody(), []],
      ['/v1/schools/{brin}/interventions', 'post', interventionBody('B3'), []],
      ['/v1/schools/{brin}/interventions/{code}/withdrawals', 'post', withdrawalBody(), []],
      ['/v1/schools/{brin}/mr-decisions', 'post', mrDecisionBody(), []],
      ['/v1/schools/{brin}/evaluations', 'post', evaluationBody('B3'), ['measuredEffect']],
      ['/v1/schools/{brin}/allocations', 'post', allocationBody(), []],
      ['/v1/gemeenten/{code}/allocations', 'post', allocationBody(), []],
    ];
    for (const [path, method, validBody, optional] of cases) {
      const schema = bodySchema(path, method);
      expect(schema.type, path).toBe('object');
      expect(Object.keys(schema.properties).sort(), path).toEqual(Object.keys(validBody).sort());
      expect([...schema.required].sort(), path).toEqual(Object.keys(validBody).filter((k) => !optional.includes(k)).sort());
      expect(schema.additionalProperties, path).toBe(false);
    }
  });

  it('answers with the statuses, headers and problem members the document describes', async () => {
    const doc = (await http.get('/openapi.json')).body;
    const expired = await (await TokenService.fromDataDir(t.dataDir, () => new Date(Date.now() - 3_600_000))).issueToken({ role: 'ocw' }, { expiresIn: '10m' });
    const firstAllocation = await http.post(`/v1/schools/${BRIN}/allocations`, { token: ocw, json: allocationBody(1_00), idempotencyKey: 'routes-openapi-replay' });
    const cases: { what: string; answer: HttpAnswer; documented: string; replayed?: boolean }[] = [
      { what: 'a body that fails validation', documented: 'PUT /v1/schools/{brin} 400', answer: await http.put(`/v1/schools/${BRIN}`, { token: ocw, json: { name: 1 } }) },
      { what: 'a malformed path parameter', documented: 'GET /v1/schools/{brin} 400', answer: await http.get('/v1/schools/16sw', { token: ocw }) },
      {
        what: 'a malformed Idempotency-Key',
        documented: 'POST /v1/schools/{brin}/allocations 400',
        answer: await http.post(`/v1/schools/${BRIN}/allocations`, { token: ocw, json: allocationBody(), idempotencyKey: 'a b' }),
      },
      { what: 'no token', documented: 'GET /v1/schools/{brin} 401', answer: await http.get(`/v1/schools/${BRIN}`) },
      { what: 'an expired token on a public route', documented: 'GET /health/live 401', answer: await http.get('/health/live', { token: expired }) },
      { what: 'a school reading metrics', documented: 'GET /metrics 403', answer: await http.get('/metrics', { token: school }) },
      { what: 'an unknown school', documented: 'GET /v1/schools/{brin} 404', answer: await http.get('/v1/schools/99ZZ', { token: ocw }) },
      { what: 'a method the path does not take', documented: 'MethodNotAllowed 405', answer: await call(t.url, 'DELETE', `/v1/schools/${BRIN}`) },
      { what: 'an overlong path parameter', documented: 'GET /v1/schools/{brin} 414', answer: await http.get(`/v1/schools/${'A'.repeat(150)}`, { token: ocw }) },
      {
        what: 'an oversized request head',
        documented: 'GET /health/live 431',
        answer: await rawRequest(t.url, `GET /health/live HTTP/1.1\r\nHost: x\r\nX-Padding: ${'a'.repeat(20_000)}\r\n\r\n`),
      },
      { what: 'an unknown method', documented: 'NotImplemented 501', answer: await rawRequest(t.url, `FOO /v1/schools/${BRIN} HTTP/1.1\r\nHost: x\r\n\r\n`) },
      { what: 'a change to a registered school', documented: 'PUT /v1/schools/{brin} 200', answer: await http.put(`/v1/schools/${BRIN}`, { token: ocw, json: registration({ pupils: 252 }) }) },
      { what: 'an allocation', documented: 'POST /v1/schools/{brin}/allocations 201', answer: firstAllocation },
      {
        what: 'its retry',
        documented: 'POST /v1/schools/{brin}/allocations 201',
        replayed: true,
        answer: await http.post(`/v1/schools/${BRIN}/allocations`, { token: ocw, json: allocationBody(1_00), idempotencyKey: 'routes-openapi-replay' }),
      },
    ];
    const problemMembers = Object.keys(doc.components.schemas.ProblemDetails.properties);
    const issueMembers = Object.keys(doc.components.schemas.ProblemDetails.properties.errors.items.properties);
    for (const { what, answer, documented, replayed } of cases) {
      const [where, status] = [documented.slice(0, documented.lastIndexOf(' ')), documented.slice(documented.lastIndexOf(' ') + 1)];
      expect(answer.status, `${what}: ${answer.text.slice(0, 300)}`).toBe(Number(status));
      let response: { headers?: Record<string, unknown>; content?: Record<string, unknown> } | undefined;
      if (where.includes(' ')) {
        const [method, path] = where.split(' ') as [string, string];
        const own = doc.paths[path]?.[method.toLowerCase()]?.responses?.[status];
        response = own?.$ref === undefined ? own : resolveRef(doc, own.$ref);
      } else {
        response = resolveRef(doc, `#/components/responses/${where}`);
      }
      expect(response, `${what}: ${documented} is documented`).toBeDefined();
      // Every documented header is sent, but Idempotent-Replayed, which only a replay carries.
      for (const name of Object.keys(response?.headers ?? {})) {
        const sent = answer.headers.get(name);
        if (name === 'Idempotent-Replayed') expect(sent, `${what}: ${name}`).toBe(replayed === true ? 'true' : null);
        else expect(sent, `${what}: ${name}`).not.toBeNull();
      }
      const [mediaType] = Object.keys(response?.content ?? {});
      expect(answer.headers.get('content-type') ?? '', what).toContain(mediaType ?? 'none');
      if (mediaType !== 'application/problem+json') continue;
      for (const member of Object.keys(answer.body)) expect(problemMembers, `${what}: problem member ${member}`).toContain(member);
      for (const issue of answer.body.errors ?? []) expect(Object.keys(issue).sort(), what).toEqual([...issueMembers].sort());
    }
  });

  it('/docs serves the interactive documentation', async () => {
    const answer = await http.get('/docs');
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^text\/html/);
    expect(answer.text).toContain('swagger');
  });

  it('/health/live and /health/ready answer without a token; ready names the event store check', async () => {
    const live = await http.get('/health/live');
    expect(live.status).toBe(200);
    expect(live.body).toEqual({ status: 'ok' });
    const ready = await http.get('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ok', checks: { 'event-store': 'up' } });
  });

  it('/metrics exposes Prometheus text with request durations labelled by route pattern, to admin only', async () => {
    expect((await http.get('/metrics')).status).toBe(401);
    expect((await http.get('/metrics', { token: school })).status).toBe(403);
    const answer = await http.get('/metrics', { token: admin });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(answer.text).toMatch(/http_request_duration_seconds_count\{[^}]*route="\/v1\/schools\/:brin\/interventions"[^}]*method="POST"[^}]*status_code="201"/);
    expect(answer.text).toContain('service="school-api"');
  });
});

/** The node a local `$ref` (`#/components/...`) points at. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the document is parsed JSON
function resolveRef<T>(doc: any, ref: string | undefined): T | undefined {
  if (ref === undefined) return undefined;
  return ref
    .replace(/^#\//, '')
    .split('/')
    .reduce((node: Record<string, unknown> | undefined, key) => node?.[key] as Record<string, unknown> | undefined, doc) as T | undefined;
}

/** The routes Swagger adds for the document and the UI. */
const isDocsRoute = (route: string): boolean => /^GET \/(openapi\.(json|yaml)|docs(\/.*)?)$/.test(route);

/**
 * `METHOD /path` of every route in Fastify's route tree (`printRoutes`), whose children print their
 * path relative to the parent, four columns deeper. HEAD is Fastify's automatic twin of GET.
 */
function routedPaths(listing: string): string[] {
  const routes: string[] = [];
  const stack: string[] = [];
  for (const line of listing.split('\n')) {
    const m = /^(.*?)[├└]── (\S+)(?: \(([^)]+)\))?$/.exec(line);
    if (!m) continue;
    const depth = [...m[1]!].length / 4;
    stack.length = depth;
    const full = `${stack.at(-1) ?? ''}${m[2]!}`.replace(/\/+/g, '/');
    stack.push(full);
    if (m[3] === undefined) continue;
    for (const method of m[3].split(',').map((s) => s.trim())) {
      if (method !== 'HEAD') routes.push(`${method} ${full}`);
    }
  }
  return routes.sort();
}

/**
 * One request written on a socket of its own, for what fetch will not send (an unknown method) or
 * where the server closes the connection after answering (an oversized head).
 */
function rawRequest(baseUrl: string, request: string): Promise<HttpAnswer> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect({ host: hostname, port: Number(port) }, () => socket.end(request));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const [head = '', text = ''] = raw.split('\r\n\r\n', 2);
      const [statusLine = '', ...lines] = head.split('\r\n');
      const headers = new Headers(lines.map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trim()] as [string, string]));
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
      resolve({ status: Number(statusLine.split(' ')[1]), headers, text, body });
    });
  });
}

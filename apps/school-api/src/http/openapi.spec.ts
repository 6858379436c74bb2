import { brinPattern, gemeenteCodePattern, menukaartCodePattern } from '@npo/contracts';
import { describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from './openapi.js';

interface Parameter {
  readonly name: string;
  readonly in: string;
  readonly required?: boolean;
  readonly schema: { readonly type: string; readonly pattern?: string };
  readonly example?: string;
}
interface Operation {
  readonly parameters?: readonly Parameter[];
  readonly responses: Record<string, { readonly content?: Record<string, unknown> }>;
}
type Paths = Record<string, Record<string, Operation>>;

const doc = buildOpenApiDocument('test');
const paths = doc['paths'] as Paths;

/** Every path parameter of every operation, with the route it belongs to. */
const pathParameters = Object.entries(paths).flatMap(([path, item]) =>
  Object.entries(item).flatMap(([method, op]) =>
    (op.parameters ?? []).filter((p) => p.in === 'path').map((parameter) => ({ route: `${method.toUpperCase()} ${path}`, path, parameter })),
  ),
);

/** The regex the server validates each path parameter with (the controllers' zod schemas use these). */
const contractPatternFor = (path: string, name: string): RegExp => {
  if (name === 'brin') return brinPattern;
  if (name === 'code') return path.startsWith('/v1/gemeenten/') ? gemeenteCodePattern : menukaartCodePattern;
  throw new Error(`no contract pattern known for path parameter ${name} of ${path}`);
};

describe('OpenAPI path parameters', () => {
  it('document exactly the patterns of @npo/contracts the server validates with', () => {
    expect(pathParameters.length).toBeGreaterThan(0);
    for (const { route, path, parameter } of pathParameters) {
      const contract = contractPatternFor(path, parameter.name);
      // A JSON Schema pattern has no flags: the contract regex must not need any.
      expect(contract.flags, `${route} ${parameter.name}`).toBe('');
      expect(parameter.schema.pattern, `${route} ${parameter.name}`).toBe(contract.source);
    }
  });

  it('covers all three kinds of path parameter', () => {
    const documented = new Set(pathParameters.map(({ parameter }) => parameter.schema.pattern));
    expect(documented).toEqual(new Set([brinPattern.source, menukaartCodePattern.source, gemeenteCodePattern.source]));
  });

  it('give examples their own pattern accepts', () => {
    for (const { route, parameter } of pathParameters) {
      expect(parameter.example, `${route} ${parameter.name}`).toBeDefined();
      expect(new RegExp(parameter.schema.pattern ?? '', 'u').test(parameter.example ?? ''), `${route} ${parameter.name}`).toBe(true);
    }
  });
});

describe('OpenAPI Idempotency-Key', () => {
  const commands = Object.entries(paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => method !== 'get')
      .map(([method, op]) => ({ route: `${method.toUpperCase()} ${path}`, op, key: op.parameters?.find((p) => p.in === 'header' && p.name === 'Idempotency-Key') })),
  );
  const allocations = ['POST /v1/schools/{brin}/allocations', 'POST /v1/gemeenten/{code}/allocations'];

  it('is declared on every command', () => {
    expect(commands.length).toBeGreaterThan(allocations.length);
    for (const { route, key } of commands) expect(key, route).toBeDefined();
  });

  it('is required, with a documented 428 problem, on exactly the two allocation routes', () => {
    expect(commands.filter(({ key }) => key?.required === true).map(({ route }) => route).sort()).toEqual([...allocations].sort());
    expect(commands.filter(({ op }) => op.responses['428'] !== undefined).map(({ route }) => route).sort()).toEqual([...allocations].sort());
    for (const { route, op } of commands.filter(({ route }) => allocations.includes(route))) {
      expect(Object.keys(op.responses['428']?.content ?? {}), route).toEqual(['application/problem+json']);
    }
  });
});

describe('OpenAPI request bodies', () => {
  const components = (doc['components'] as { schemas: Record<string, { properties?: Record<string, { additionalProperties?: unknown }> }> }).schemas;

  it('forbid unknown keys in nested objects too, as the server does', () => {
    expect(components['ScanBody']?.properties?.['findings']?.additionalProperties).toBe(false);
    expect(components['EvaluationBody']?.properties?.['measuredEffect']?.additionalProperties).toBe(false);
  });
});

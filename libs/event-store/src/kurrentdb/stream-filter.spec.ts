import { STREAM_NAME } from '@kurrent/kurrentdb-client';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors.js';
import { DEFAULT_EVENT_ID_STREAM_PREFIX } from './event-id-claims.js';
import { DEFAULT_STREAM_PREFIXES, isProjectStream, projectStreamFilter, validateClaimPrefix, validateStreamPrefixes } from './stream-filter.js';

describe('project stream filter', () => {
  it('asks the server for stream-name prefixes, not event types or a regex', () => {
    const filter = projectStreamFilter(['school-', 'gemeente-']);
    expect(filter.filterOn).toBe(STREAM_NAME);
    expect(filter.prefixes).toEqual(['school-', 'gemeente-']);
    expect('regex' in filter).toBe(false);
    expect(filter.checkpointInterval).toBeGreaterThan(0);
  });

  it.each([
    ['school-16SW', true],
    ['gemeente-GM0363', true],
    ['school-', true],
    ['schools-16SW', false],
    ['Gemeente-GM0363', false],
    ['$ce-school', false],
    ['$$school-16SW', false],
    ['$>', false],
    [`${DEFAULT_EVENT_ID_STREAM_PREFIX}0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b`, false],
  ])('treats %s as a project stream: %s', (streamId, expected) => {
    expect(isProjectStream(streamId, DEFAULT_STREAM_PREFIXES)).toBe(expected);
  });

  it('keeps system streams out even when a prefix would match them', () => {
    expect(isProjectStream('$school-1', ['$school-'])).toBe(false);
  });

  it.each([
    ['no prefixes', []],
    ['an empty prefix', ['school-', '']],
    ['a system prefix', ['$ce-']],
    ['a prefix inside the claim streams', [`${DEFAULT_EVENT_ID_STREAM_PREFIX}x`]],
    ['a prefix that contains the claim streams', ['npo-']],
    ['not an array', 'school-'],
  ])('refuses %s', (_title, prefixes) => {
    expect(() => validateStreamPrefixes(prefixes, DEFAULT_EVENT_ID_STREAM_PREFIX)).toThrow(InvalidArgumentError);
  });

  it('accepts the defaults and copies what it was given', () => {
    const given = ['contract-'];
    const valid = validateStreamPrefixes(given, DEFAULT_EVENT_ID_STREAM_PREFIX);
    given.push('x-');
    expect(valid).toEqual(['contract-']);
    expect(validateStreamPrefixes(DEFAULT_STREAM_PREFIXES, DEFAULT_EVENT_ID_STREAM_PREFIX)).toEqual(['school-', 'gemeente-']);
  });

  it('refuses an empty or system claim prefix', () => {
    expect(() => validateClaimPrefix('')).toThrow(InvalidArgumentError);
    expect(() => validateClaimPrefix('$ids-')).toThrow(InvalidArgumentError);
    expect(validateClaimPrefix('ids-')).toBe('ids-');
  });
});

import { describe, expect, it } from 'vitest';
import { ReleaseRefusedError } from './errors.js';
import { type AuditEntry } from './model.js';

// A secondary cell audited exactly to its true value 9: the entry itself is the value.
const pinned: AuditEntry = { cellId: 'GM0001/B3/n', reason: 'secondary', lower: 9, upper: 9, exact: true, protectionRequired: { lower: 9, upper: 9, minWidth: 1 }, ok: false };

describe('ReleaseRefusedError', () => {
  it('names the failing cells by id only, and keeps their audit entries out of logs and JSON', () => {
    const error = new ReleaseRefusedError('R000002', [pinned]);
    expect(error.message).toBe('release R000002 refused: 1 suppressed cell(s) cannot be protected: GM0001/B3/n');
    expect(error.cells).toEqual([pinned]);
    // Loggers' error serializers copy enumerable own properties; so does JSON.stringify.
    expect(Object.keys(error)).not.toContain('cells');
    expect(JSON.stringify({ ...error })).not.toMatch(/protectionRequired|"lower"|"upper"/);
  });

  it('says how many more there are past the first ten', () => {
    const many = Array.from({ length: 12 }, (_, i) => ({ ...pinned, cellId: `c${i}` }));
    expect(new ReleaseRefusedError('R1', many).message).toMatch(/c9, and 2 more$/);
  });
});

import { describe, expect, it } from 'vitest';
import { parseRebuildOutput } from './rebuild-cli.js';

describe('parseRebuildOutput', () => {
  it("reads the events, duration, peak RSS and swapped-in file from the CLI's closing lines", () => {
    const out =
      'rebuilt analytics generation 3 from 5,000,000 events (12 quarantined) in 143.3 s (34,889 events/s), peak RSS 1,514 MiB\n' +
      'swapped in: /data/analytics/analytics-000003.duckdb\n' +
      'a running analytics service switches to it within a second and catches up the events appended meanwhile\n';
    expect(parseRebuildOutput(out)).toEqual({
      events: 5_000_000,
      quarantined: 12,
      elapsedMs: 143_300,
      peakRssBytes: 1_514 * 1024 * 1024,
      path: '/data/analytics/analytics-000003.duckdb',
    });
  });

  it('refuses output without the summary, naming what it got', () => {
    expect(() => parseRebuildOutput('rebuilt analytics generation 1 from 10 events in 0.1 s\n')).toThrow(/unexpected output of the analytics CLI:\nrebuilt/);
  });
});

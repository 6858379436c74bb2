import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkPrerequisites, parseJavaMajor } from './prerequisites.mjs';

describe('parseJavaMajor', () => {
  it.each([
    ['openjdk version "17.0.15" 2025-04-15', 17],
    ['java version "1.8.0_392"', 8],
    ['openjdk version "21" 2023-09-19', 21],
    ['openjdk version "25-ea" 2025-09-16', 25],
  ])('%s -> %i', (line, major) => {
    expect(parseJavaMajor(line)).toBe(major);
  });

  it('gives undefined for output without a version', () => {
    expect(parseJavaMajor('bash: java: command not found')).toBeUndefined();
  });
});

// Real processes on a PATH of our own making: stand-in `java`/`mvn` scripts printing what old or missing tools print.
describe('checkPrerequisites', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kafka-local-prereq-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function bin(name: string, script: string): string {
    const d = mkdtempSync(join(dir, 'bin-'));
    writeFileSync(join(d, name), `#!/bin/sh\n${script}\n`);
    chmodSync(join(d, name), 0o755);
    return d;
  }

  it('fails with JAVA_MISSING when java cannot be run', async () => {
    await expect(checkPrerequisites({ PATH: dir })).rejects.toMatchObject({ code: 'JAVA_MISSING' });
  });

  it('fails with JAVA_TOO_OLD for Java 11, naming the version found', async () => {
    const java11 = bin('java', 'echo \'openjdk version "11.0.2" 2019-01-15\' >&2');
    const err = await checkPrerequisites({ PATH: `${java11}:/usr/bin:/bin` }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'JAVA_TOO_OLD' });
    expect(String(err)).toContain('11.0.2');
  });

  it('uses $JAVA_HOME/bin/java before the java on PATH', async () => {
    const java17 = bin('java', 'echo \'openjdk version "17.0.1"\' >&2');
    const java9Home = mkdtempSync(join(dir, 'jdk-'));
    mkdirSync(join(java9Home, 'bin'), { recursive: true });
    writeFileSync(join(java9Home, 'bin', 'java'), '#!/bin/sh\necho \'openjdk version "9.0.4"\' >&2\n');
    chmodSync(join(java9Home, 'bin', 'java'), 0o755);
    await expect(checkPrerequisites({ PATH: `${java17}:/usr/bin:/bin`, JAVA_HOME: java9Home })).rejects.toMatchObject({ code: 'JAVA_TOO_OLD' });
  });

  it('fails with MAVEN_MISSING when java is fine but mvn is absent', async () => {
    const java17 = bin('java', 'echo \'openjdk version "17.0.1"\' >&2');
    await expect(checkPrerequisites({ PATH: java17 })).rejects.toMatchObject({ code: 'MAVEN_MISSING' });
  });

  it('reports the Java major and the Maven version when both are there', async () => {
    const java21 = bin('java', 'echo \'openjdk version "21.0.3"\' >&2');
    const mvnDir = bin('mvn', 'echo "Apache Maven 3.9.9 (hash)"');
    const found = await checkPrerequisites({ PATH: `${java21}:${mvnDir}:/usr/bin:/bin` });
    expect(found.javaMajor).toBe(21);
    expect(found.maven).toBe('Apache Maven 3.9.9 (hash)');
  });
});

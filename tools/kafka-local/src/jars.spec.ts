import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { pomPath } from './config.mjs';
import { jarCacheDir, log4jMismatch, readPomVersions } from './jars.mjs';

describe('pom.xml', () => {
  const pom = readFileSync(pomPath, 'utf8');

  it('pins a Kafka 4.x broker, kafka-tools and the dependency plugin', () => {
    const { kafka } = readPomVersions(pom);
    expect(kafka).toMatch(/^4\.\d+\.\d+$/);
    expect(pom).toMatch(/<artifactId>kafka_2\.13<\/artifactId>\s*<version>\$\{kafka\.version\}<\/version>/);
    expect(pom).toMatch(/<artifactId>kafka-tools<\/artifactId>\s*<version>\$\{kafka\.version\}<\/version>/);
    expect(pom).toMatch(/<artifactId>maven-dependency-plugin<\/artifactId>\s*<version>3\.8\.1<\/version>/);
  });

  it('binds SLF4J 1.7 through log4j-slf4j-impl, not the SLF4J 2 bridge', () => {
    expect(pom).toMatch(/<artifactId>log4j-slf4j-impl<\/artifactId>\s*<version>\$\{log4j\.version\}<\/version>/);
    expect(pom).not.toContain('log4j-slf4j2-impl');
  });

  it('caches jars per POM content and version', () => {
    const dir = jarCacheDir('/cache');
    expect(dir).toMatch(new RegExp(`^/cache/${readPomVersions(pom).kafka.replace(/\./g, '\\.')}-[0-9a-f]{12}$`));
  });
});

describe('log4jMismatch', () => {
  it('accepts a bridge of the same release as log4j-core', () => {
    expect(log4jMismatch(['log4j-api-2.25.5.jar', 'log4j-core-2.25.5.jar', 'log4j-slf4j-impl-2.25.5.jar'])).toBeUndefined();
  });

  it('names both versions when they differ', () => {
    const why = log4jMismatch(['log4j-core-2.25.5.jar', 'log4j-slf4j-impl-2.24.3.jar']);
    expect(why).toContain('2.24.3');
    expect(why).toContain('2.25.5');
  });

  it('reports a missing bridge', () => {
    expect(log4jMismatch(['log4j-core-2.25.5.jar'])).toContain('log4j-slf4j-impl');
  });
});

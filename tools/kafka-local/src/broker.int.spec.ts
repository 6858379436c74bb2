import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkPrerequisites, freePorts, javaCommand, resolveJars, resolveOptions, restart, start, status, stop, type BrokerInfo, type KafkaLocalOptions } from './index.mjs';
import { log4jMismatch } from './jars.mjs';
import { portOpen } from './process-state.mjs';
import { requestMetadata } from './readiness.mjs';

const run = promisify(execFile);

// A broker of its own (temporary state directory, free ports), so the shared one is never disturbed.
const missing = await checkPrerequisites().then(
  () => undefined,
  (e: unknown) => String(e),
);
if (missing && process.env['CI']) throw new Error(`CI must run the broker tests, but: ${missing}`);
if (missing) console.warn(`kafka-local broker tests skipped: ${missing}`);

const clusterId = (stateDir: string) => /cluster\.id=(\S+)/.exec(readFileSync(join(stateDir, 'data', 'meta.properties'), 'utf8'))?.[1];

/**
 * Kafka's own topic tool from the broker's jars: a real client that shares no code with the
 * readiness check (kafkajs is for libs/messaging only). Output: one topic per line for --list.
 */
async function topicTool(b: BrokerInfo, options: KafkaLocalOptions, args: readonly string[]): Promise<string> {
  const { command, args: java } = await javaCommand('org.apache.kafka.tools.TopicCommand', ['--bootstrap-server', b.bootstrap, ...args], { ...options, heap: '256m' });
  return (await run(command, java)).stdout;
}
const listTopics = async (b: BrokerInfo, options: KafkaLocalOptions) => (await topicTool(b, options, ['--list'])).split('\n').filter(Boolean);

describe.skipIf(missing !== undefined)('a real broker from kafka-local', () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'kafka-local-int-'));
  let options: KafkaLocalOptions;

  beforeAll(async () => {
    const [port, controllerPort] = await freePorts(2);
    options = { stateDir, port, controllerPort };
  });
  afterAll(async () => {
    await stop(options, { signal: 'SIGKILL' }).catch(() => undefined);
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('resolves a jar set whose SLF4J bridge matches log4j-core', async () => {
    const jars = await resolveJars({ cacheRoot: resolveOptions(options).cacheRoot, log: () => {} });
    const names = readdirSync(jars.libsDir);
    expect(names).toEqual(expect.arrayContaining([`kafka_2.13-${jars.version}.jar`, `kafka-tools-${jars.version}.jar`]));
    expect(log4jMismatch(names)).toBeUndefined();
  });

  it('starts, formats once and answers a client on loopback', async () => {
    const b = await start(options);
    expect(b.startedHere).toBe(true);
    expect(b.bootstrap).toBe(`127.0.0.1:${options.port}`);
    const s = await status(options);
    expect(s).toMatchObject({ state: 'running', pid: b.pid });

    // What the readiness check saw is this broker: its cluster id, node 1 on the client port.
    expect(await requestMetadata({ host: b.host, port: b.port, timeoutMs: 5000 })).toEqual({
      clusterId: clusterId(stateDir),
      controller: 1,
      brokers: [{ nodeId: 1, host: '127.0.0.1', port: options.port }],
    });
    await topicTool(b, options, ['--create', '--topic', 'kept', '--partitions', '2']);
    expect(await listTopics(b, options)).toContain('kept');
  });

  it('returns the running broker instead of starting a second one, even when asked twice at once', async () => {
    const before = await status(options);
    if (before.state === 'stopped') throw new Error('the broker of the previous test is gone');
    const [a, b] = await Promise.all([start(options), start(options)]);
    expect([a.startedHere, b.startedHere]).toEqual([false, false]);
    expect([a.pid, b.pid]).toEqual([before.pid, before.pid]);
  });

  it('refuses to start a broker on ports another process holds', async () => {
    const [port, controllerPort] = await freePorts(2);
    const squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(port, '127.0.0.1', resolve));
    const otherDir = mkdtempSync(join(tmpdir(), 'kafka-local-int-busy-'));
    try {
      await expect(start({ stateDir: otherDir, port, controllerPort })).rejects.toMatchObject({ code: 'PORT_IN_USE' });
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
      rmSync(otherDir, { recursive: true, force: true });
    }
  });

  it('restarts on the same data: same cluster, topics kept, no second format', async () => {
    const id = clusterId(stateDir);
    const b = await restart(options);
    expect(b.startedHere).toBe(true);
    expect(clusterId(stateDir)).toBe(id);
    expect(await listTopics(b, options)).toContain('kept');
  });

  it('stops with SIGTERM and frees the port', async () => {
    const r = await stop(options);
    expect(r).toMatchObject({ wasRunning: true, killed: false });
    expect((await status(options)).state).toBe('stopped');
    expect(await portOpen('127.0.0.1', options.port ?? 0)).toBe(false);
    expect(await stop(options)).toMatchObject({ wasRunning: false });
  });

  it('comes back after SIGKILL (unclean shutdown) with its topics', async () => {
    await start(options);
    expect(await stop(options, { signal: 'SIGKILL' })).toMatchObject({ wasRunning: true, killed: true });
    const b = await start(options);
    expect(await listTopics(b, options)).toContain('kept');
  });
});

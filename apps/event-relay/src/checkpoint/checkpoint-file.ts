import { open, mkdir, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** Before the first event: subscribe from the start of the log. */
export const LOG_START = -1;

export class CheckpointFileError extends Error {
  readonly code = 'RELAY_CHECKPOINT_INVALID';
  constructor(
    readonly path: string,
    detail: string,
  ) {
    super(`relay checkpoint ${path} is unreadable (${detail}); it is only ever replaced whole, so inspect it before deleting it (deleting republishes everything)`);
    this.name = 'CheckpointFileError';
  }
}

interface CheckpointRecord {
  readonly topic: string;
  /** globalPosition of the last event Kafka acknowledged. */
  readonly globalPosition: number;
  readonly updatedAt: string;
}

/**
 * The relay's position in the global log, one small JSON file per topic. Saved by writing a temp file,
 * fsync, rename over the old one, fsync of the directory: after a crash the file holds either the old
 * or the new position, never a torn one, and a returned save() survives power loss.
 */
export class CheckpointFile {
  readonly path: string;

  constructor(
    dir: string,
    readonly topic: string,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.path = join(dir, `${topic}.checkpoint.json`);
  }

  /** The saved position, or LOG_START when there is none yet. */
  async load(): Promise<number> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return LOG_START;
      throw error;
    }
    let record: Partial<CheckpointRecord>;
    try {
      record = JSON.parse(text) as Partial<CheckpointRecord>;
    } catch (error) {
      throw new CheckpointFileError(this.path, error instanceof Error ? error.message : String(error));
    }
    if (record.topic !== this.topic) throw new CheckpointFileError(this.path, `it belongs to topic ${JSON.stringify(record.topic)}`);
    const position = record.globalPosition;
    if (typeof position !== 'number' || !Number.isSafeInteger(position) || position < LOG_START) {
      throw new CheckpointFileError(this.path, `globalPosition ${JSON.stringify(position)} is not a whole number >= ${LOG_START}`);
    }
    return position;
  }

  async save(globalPosition: number): Promise<void> {
    const dir = dirname(this.path);
    await mkdir(dir, { recursive: true });
    const record: CheckpointRecord = { topic: this.topic, globalPosition, updatedAt: this.clock().toISOString() };
    const temp = `${this.path}.${process.pid}.tmp`;
    const file = await open(temp, 'w', 0o644);
    try {
      await file.writeFile(`${JSON.stringify(record)}\n`);
      await file.sync();
    } finally {
      await file.close();
    }
    try {
      await rename(temp, this.path);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
    // The rename is durable only once the directory entry is.
    const directory = await open(dir, 'r');
    try {
      await directory.sync();
    } finally {
      await directory.close();
    }
  }
}

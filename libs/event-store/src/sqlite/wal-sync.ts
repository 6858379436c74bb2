import { close, fsync, openSync } from 'node:fs';

/** Flushes a file to stable storage; the default runs fsync(2) on libuv's thread pool. */
export type SyncFile = (fd: number) => Promise<void>;

export const fsyncOffThread: SyncFile = (fd) => new Promise((resolve, reject) => fsync(fd, (error) => (error ? reject(error) : resolve())));

interface RunningSync {
  /** Every position known to be committed when this fsync was issued; it makes them all durable. */
  readonly target: number;
  readonly done: Promise<void>;
}

/**
 * Makes committed WAL frames durable without holding the JavaScript thread. The store runs at
 * synchronous=NORMAL, where SQLite's commit writes the WAL but does not fsync it (it still syncs around
 * checkpoints); an fsync of the WAL file after the commit is exactly what synchronous=FULL adds. Here
 * that fsync runs on the thread pool while the event loop goes on, and every answer that depends on a
 * commit (an acknowledged append, a read that returns it) waits for it. One fsync covers every commit
 * made before it was issued, by any process, so the appends that commit during one fsync share the next.
 *
 * Positions stand in for time: a position this process knows (it wrote or read it) was written to the WAL
 * before that moment, so an fsync issued afterwards covers it.
 */
export class WalSync {
  readonly #databasePath: string;
  readonly #syncFile: SyncFile;
  #fd: number | undefined;
  #databaseFd: number | undefined;
  #known = -1;
  #durable = -1;
  #running: RunningSync | undefined;
  #next: Promise<void> | undefined;
  #failure: Error | undefined;

  /** `databasePath`: the database file itself, symlinks resolved (SQLite keeps the WAL beside the target). */
  constructor(databasePath: string, syncFile: SyncFile = fsyncOffThread) {
    this.#databasePath = databasePath;
    this.#syncFile = syncFile;
  }

  /** Once an fsync failed the file's state is unknown (a retried fsync may report success for lost pages). */
  get failure(): Error | undefined {
    return this.#failure;
  }

  /** Resolves when every event up to `position` (committed or read by this process) is on stable storage. */
  through(position: number): Promise<void> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    if (position <= this.#durable) return Promise.resolve();
    if (position > this.#known) this.#known = position;
    const running = this.#running;
    if (running !== undefined && running.target >= position) return running.done;
    // The fsync in flight may have been issued before this position was written: queue one more, shared
    // by everyone who arrives until it starts.
    this.#next ??= (running?.done ?? Promise.resolve()).then(
      () => this.#start(),
      () => this.#start(),
    );
    return this.#next;
  }

  /** Waits for the syncs in flight; used before closing. */
  async settled(): Promise<void> {
    while (this.#running !== undefined || this.#next !== undefined) {
      await Promise.allSettled([this.#running?.done, this.#next]);
    }
  }

  close(): void {
    for (const fd of [this.#fd, this.#databaseFd]) if (fd !== undefined) close(fd, () => undefined);
    this.#fd = undefined;
    this.#databaseFd = undefined;
  }

  #start(): Promise<void> {
    this.#next = undefined;
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    const target = this.#known;
    let done: Promise<void>;
    try {
      done = this.#syncFile(this.#fileToSync());
    } catch (error) {
      done = Promise.reject(error as Error);
    }
    const running: RunningSync = {
      target,
      done: done.then(
        () => {
          if (target > this.#durable) this.#durable = target;
          if (this.#running === running) this.#running = undefined;
        },
        (error: unknown) => {
          this.#failure = error instanceof Error ? error : new Error(String(error));
          if (this.#running === running) this.#running = undefined;
          throw this.#failure;
        },
      ),
    };
    this.#running = running;
    return running.done;
  }

  /**
   * The WAL, opened on first use: SQLite keeps the same file (truncated or rewound, never replaced) while
   * any connection, ours included, is open. Without one, every commit is in the database file (the last
   * connection checkpointed and removed it), so that file is what to flush.
   */
  #fileToSync(): number {
    if (this.#fd !== undefined) return this.#fd;
    try {
      this.#fd = openSync(`${this.#databasePath}-wal`, 'r');
      return this.#fd;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      this.#databaseFd ??= openSync(this.#databasePath, 'r');
      return this.#databaseFd;
    }
  }
}

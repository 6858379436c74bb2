export type StackErrorCode =
  | 'BAD_CONFIG'
  | 'UNKNOWN_SERVICE'
  | 'PORT_IN_USE'
  | 'BUILD_FAILED'
  | 'EXITED'
  | 'NOT_READY'
  | 'NOT_UP'
  | 'STOP_FAILED';

/** A stack command could not do what it was asked; `code` is stable, the message says what to do. */
export class StackError extends Error {
  constructor(
    readonly code: StackErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StackError';
  }
}

/**
 * Every failure the tool reports on purpose carries a stable `code`; the CLI maps codes to exit codes
 * and tests assert on codes, never on message text.
 * @typedef {'JAVA_MISSING' | 'JAVA_TOO_OLD' | 'MAVEN_MISSING' | 'BAD_CONFIG' | 'RESOLVE_FAILED' | 'FORMAT_FAILED'
 *   | 'PORT_IN_USE' | 'ALREADY_RUNNING' | 'EXITED' | 'NOT_READY' | 'STOP_FAILED' | 'LOCKED'} KafkaLocalErrorCode
 */

export class KafkaLocalError extends Error {
  /**
   * @param {KafkaLocalErrorCode} code
   * @param {string} message
   * @param {{ cause?: unknown }} [options]
   */
  constructor(code, message, options) {
    super(message, options);
    this.name = 'KafkaLocalError';
    /** @readonly */
    this.code = code;
  }
}

/** @param {KafkaLocalErrorCode} code */
export function isPrerequisiteCode(code) {
  return code === 'JAVA_MISSING' || code === 'JAVA_TOO_OLD' || code === 'MAVEN_MISSING';
}

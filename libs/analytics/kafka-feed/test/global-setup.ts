// The shared broker setup: a missing broker skips locally (with the reason printed) and fails CI.
export { default } from '@npo/kafka-local/vitest';

import duckdb from '@duckdb/node-bindings';
import { BIGINT, DATE, DOUBLE, type DuckDBDataChunk, type DuckDBType, INTEGER, TIMESTAMPTZ, TINYINT, UUID, VARCHAR } from '@duckdb/node-api';
import { parseInstant, parseIsoDate, parseUuidWords } from '../db/typed-text.js';

/**
 * Column kinds, one letter per column in table order: v VARCHAR, u UUID (canonical text), T TIMESTAMPTZ
 * (an instant parseInstant reads), D DATE (YYYY-MM-DD), b BIGINT, i INTEGER, t TINYINT, d DOUBLE (numbers).
 */
export type ColumnKinds = string;
export type Row = (string | number | null)[];

export function columnType(kind: string, kinds: ColumnKinds): DuckDBType {
  switch (kind) {
    case 'v':
      return VARCHAR;
    case 'u':
      return UUID;
    case 'T':
      return TIMESTAMPTZ;
    case 'D':
      return DATE;
    case 'b':
      return BIGINT;
    case 'i':
      return INTEGER;
    case 't':
      return TINYINT;
    case 'd':
      return DOUBLE;
    default:
      throw new Error(`unknown column kind ${kind} in ${kinds}`);
  }
}

export class ColumnValueError extends Error {
  constructor(kind: string, value: unknown) {
    const shown = typeof value === 'bigint' ? `${value}n` : String(JSON.stringify(value));
    super(`${shown.length > 80 ? `${shown.slice(0, 80)}…` : shown} cannot be written to a column of kind ${kind}`);
    this.name = 'ColumnValueError';
  }
}

const TWO_32 = 4_294_967_296;
// DuckDB keeps the strings of up to 12 bytes inside the 16-byte string_t: length, then the bytes, zero padded.
const INLINE_BYTES = 12;
const STRING_T = 16;
/** DuckDB's vector size: the most rows one data chunk holds (checked against the library when loaded). */
export const CHUNK_ROWS = 2048;
if (duckdb.vector_size() !== CHUNK_ROWS) throw new Error(`DuckDB's vector size is ${duckdb.vector_size()}, this writer assumes ${CHUNK_ROWS}`);
const uuidWords = new Uint32Array(4);
// A column's values are built here and copied into the vector in one call (the bindings hand out copies
// of vector memory, not views, so it cannot be written in place).
const scratch = new ArrayBuffer(CHUNK_ROWS * STRING_T);
const scratchBytes = new Uint8Array(scratch);
const view = new DataView(scratch);
const validity = new Uint8Array(CHUNK_ROWS / 8);
const longStrings: number[] = [];

/**
 * Fills rows [start, end) of `chunk` (reset by the caller, row count set) column by column, each value
 * written as DuckDB stores it: numbers, instants, dates and UUIDs as their integers, strings of up to 12
 * ASCII bytes inline in their string_t (the layout of duckdb.h's duckdb_string_t), then one copy per
 * column. Only longer strings cost a call into DuckDB each. The library's setColumnValues made such a
 * call for every text value and left UUID, DATE and TIMESTAMPTZ text to the appender's casts.
 */
export function fillChunk(chunk: DuckDBDataChunk, kinds: ColumnKinds, rows: readonly Row[], start: number, end: number): void {
  const count = end - start;
  if (count > CHUNK_ROWS) throw new RangeError(`a chunk holds at most ${CHUNK_ROWS} rows, not ${count}`);
  for (let c = 0; c < kinds.length; c++) {
    const kind = kinds[c] as string;
    longStrings.length = 0;
    nullCount = 0;
    // One loop per kind: the kind is decided once per column, not once per value.
    const width = fillColumn(kind, rows, start, count, c);
    const vector = duckdb.data_chunk_get_vector(chunk.chunk, c);
    duckdb.copy_data_to_vector(vector, 0, scratch, 0, count * width);
    // After the copy: assigning writes the string's slot (length, prefix, pointer into the vector's heap).
    for (const r of longStrings) duckdb.vector_assign_string_element(vector, r, (rows[start + r] as Row)[c] as string);
    if (nullCount > 0) {
      duckdb.vector_ensure_validity_writable(vector);
      duckdb.copy_data_to_vector_validity(vector, 0, validity.buffer, 0, Math.ceil(count / 64) * 8);
    }
  }
}

let nullCount = 0;

/** Marks row r null (the validity mask is set to all valid at the column's first null). */
function setNull(r: number, count: number): void {
  if (nullCount++ === 0) validity.fill(0xff, 0, Math.ceil(count / 64) * 8);
  validity[r >> 3] = (validity[r >> 3] as number) & ~(1 << (r & 7));
}

/** Writes column c of rows [start, start + count) into the scratch buffer; returns the width of a value. */
function fillColumn(kind: string, rows: readonly Row[], start: number, count: number, c: number): number {
  switch (kind) {
    case 'v':
      for (let r = 0; r < count; r++) {
        const value = (rows[start + r] as Row)[c] ?? null;
        const at = r * STRING_T;
        if (value === null) {
          setNull(r, count);
          // Never read, but a null string's slot must not point anywhere.
          scratchBytes.fill(0, at, at + STRING_T);
        } else if (!writeInline(at, value)) longStrings.push(r);
      }
      return STRING_T;
    case 'u':
      for (let r = 0; r < count; r++) {
        const value = (rows[start + r] as Row)[c] ?? null;
        const at = r * STRING_T;
        if (value === null) setNull(r, count);
        else if (typeof value !== 'string' || !parseUuidWords(value, uuidWords)) throw new ColumnValueError(kind, value);
        else {
          // A UUID is a HUGEINT with the top bit flipped, so that signed order is the text's order.
          view.setUint32(at, uuidWords[3] as number, true);
          view.setUint32(at + 4, uuidWords[2] as number, true);
          view.setUint32(at + 8, uuidWords[1] as number, true);
          view.setUint32(at + 12, ((uuidWords[0] as number) ^ 0x8000_0000) >>> 0, true);
        }
      }
      return STRING_T;
    case 'T':
      for (let r = 0; r < count; r++) {
        const value = (rows[start + r] as Row)[c] ?? null;
        if (value === null) {
          setNull(r, count);
          continue;
        }
        const micros = typeof value === 'string' ? parseInstant(value) : null;
        if (micros === null) throw new ColumnValueError(kind, value);
        if (typeof micros === 'bigint') view.setBigInt64(r * 8, micros, true);
        else writeInt64(r * 8, micros);
      }
      return 8;
    case 'D':
      for (let r = 0; r < count; r++) {
        const value = (rows[start + r] as Row)[c] ?? null;
        if (value === null) {
          setNull(r, count);
          continue;
        }
        const days = typeof value === 'string' ? parseIsoDate(value) : null;
        if (days === null) throw new ColumnValueError(kind, value);
        view.setInt32(r * 4, days, true);
      }
      return 4;
    case 'b':
      for (let r = 0; r < count; r++) {
        const value = (rows[start + r] as Row)[c] ?? null;
        if (value === null) setNull(r, count);
        else if (!Number.isSafeInteger(value)) throw new ColumnValueError(kind, value);
        else writeInt64(r * 8, value as number);
      }
      return 8;
    case 'i':
      for (let r = 0; r < count; r++) {
        const value = (rows[start + r] as Row)[c] ?? null;
        if (value === null) setNull(r, count);
        else if (!Number.isInteger(value) || (value as number) < -2_147_483_648 || (value as number) > 2_147_483_647) throw new ColumnValueError(kind, value);
        else view.setInt32(r * 4, value as number, true);
      }
      return 4;
    case 't':
      for (let r = 0; r < count; r++) {
        const value = (rows[start + r] as Row)[c] ?? null;
        if (value === null) setNull(r, count);
        else if (!Number.isInteger(value) || (value as number) < -128 || (value as number) > 127) throw new ColumnValueError(kind, value);
        else view.setInt8(r, value as number);
      }
      return 1;
    case 'd':
      for (let r = 0; r < count; r++) {
        const value = (rows[start + r] as Row)[c] ?? null;
        if (value === null) setNull(r, count);
        else if (typeof value !== 'number') throw new ColumnValueError(kind, value);
        else view.setFloat64(r * 8, value, true);
      }
      return 8;
    default:
      throw new Error(`unknown column kind ${kind}`);
  }
}

// Two 32-bit halves: a safe integer needs no BigInt (and no allocation) on the way in.
function writeInt64(at: number, value: number): void {
  const high = Math.floor(value / TWO_32);
  view.setUint32(at, value - high * TWO_32, true);
  view.setInt32(at + 4, high, true);
}

/** Writes a string of up to 12 ASCII characters into its slot; false when it must go through DuckDB. */
function writeInline(at: number, value: string | number): boolean {
  if (typeof value !== 'string') throw new ColumnValueError('v', value);
  const length = value.length;
  if (length > INLINE_BYTES) return false;
  for (let i = 0; i < length; i++) if (value.charCodeAt(i) > 0x7f) return false;
  view.setUint32(at, length, true);
  for (let i = 0; i < INLINE_BYTES; i++) scratchBytes[at + 4 + i] = i < length ? value.charCodeAt(i) : 0;
  return true;
}

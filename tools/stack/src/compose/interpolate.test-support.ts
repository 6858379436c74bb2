/** One `${...}` (or `$NAME`) in a compose value. */
export interface VariableUse {
  readonly name: string;
  /** `:-` / `-` default, `:?` / `?` required, none for a bare reference. */
  readonly operator: ':-' | '-' | ':?' | '?' | null;
  /** The default (or the error message of a required variable). */
  readonly argument: string | null;
}

export class InterpolationError extends Error {
  readonly code = 'COMPOSE_VARIABLE_REQUIRED';
}

const reference = /\$(?:(\$)|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:-|-|:\?|\?)([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g;

/**
 * Docker Compose's interpolation of one value, for the subset the project uses: `$$`, `$NAME`,
 * `${NAME}`, `${NAME:-default}`, `${NAME-default}`, `${NAME:?message}`, `${NAME?message}`. An unset
 * variable without a default becomes '' (Compose warns and does the same).
 */
export function interpolate(value: string, env: Readonly<Record<string, string | undefined>>): { value: string; uses: VariableUse[] } {
  const uses: VariableUse[] = [];
  const result = value.replace(reference, (_match, dollar: string | undefined, braced: string | undefined, operator: VariableUse['operator'] | undefined, argument: string | undefined, bare: string | undefined) => {
    if (dollar !== undefined) return '$';
    const name = (braced ?? bare)!;
    const op = operator ?? null;
    uses.push({ name, operator: op, argument: argument ?? null });
    const current = env[name];
    switch (op) {
      case ':-':
        return current === undefined || current === '' ? argument! : current;
      case '-':
        return current === undefined ? argument! : current;
      case ':?':
      case '?':
        if (current === undefined || (op === ':?' && current === '')) throw new InterpolationError(`${name} is required: ${argument ?? ''}`);
        return current;
      case null:
        return current ?? '';
      default: {
        const unknown: never = op;
        throw new Error(`unknown operator ${String(unknown)}`);
      }
    }
  });
  return { value: result, uses };
}

/** Interpolates every string value (not keys) of a parsed compose document, collecting the variables used. */
export function interpolateDocument(document: unknown, env: Readonly<Record<string, string | undefined>>): { document: unknown; uses: VariableUse[] } {
  const uses: VariableUse[] = [];
  const walk = (node: unknown): unknown => {
    if (typeof node === 'string') {
      const r = interpolate(node, env);
      uses.push(...r.uses);
      return r.value;
    }
    if (Array.isArray(node)) return node.map(walk);
    if (node !== null && typeof node === 'object') return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, walk(v)]));
    return node;
  };
  return { document: walk(document), uses };
}

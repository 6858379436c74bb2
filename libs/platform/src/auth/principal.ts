export const roles = ['school', 'gemeente', 'researcher', 'ocw', 'admin'] as const;
export type Role = (typeof roles)[number];

/** BRIN (instellingscode, optionally with a 2-digit vestiging suffix): `16SW`, `16SW03`. */
export const brinPattern = /^[0-9]{2}[A-Z]{2}(?:[0-9]{2})?$/;
/** CBS gemeente code: `GM0363`. */
export const gemeenteCodePattern = /^GM[0-9]{4}$/;
/** A subject: printable, no whitespace at the ends, short enough for logs and audit rows. */
export const subjectPattern = /^[\x21-\x7E](?:[\x20-\x7E]{0,126}[\x21-\x7E])?$/;

/** Who is calling, as proven by a verified token. The scope claim each role carries is required by its type. */
export type Principal =
  | { readonly role: 'school'; readonly sub: string; readonly brin: string }
  | { readonly role: 'gemeente'; readonly sub: string; readonly gemeente: string }
  | { readonly role: 'researcher' | 'ocw' | 'admin'; readonly sub: string };

export const isRole = (value: unknown): value is Role => typeof value === 'string' && (roles as readonly string[]).includes(value);

export interface DotenvEntry {
  readonly name: string;
  readonly value: string;
  /** The comment lines right above it (without `#`), empty when undocumented. */
  readonly comment: readonly string[];
}

/** The `.env` format Docker Compose reads, for the subset the project uses: `NAME=value` lines, `#` comments. */
export function parseDotenv(text: string): DotenvEntry[] {
  const entries: DotenvEntry[] = [];
  let comment: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '') {
      comment = [];
    } else if (line.startsWith('#')) {
      comment.push(line.replace(/^#\s?/, ''));
    } else {
      const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
      if (m === null) throw new Error(`not a NAME=value line: ${raw}`);
      const value = m[2]!.replace(/^(['"])(.*)\1$/, '$2');
      entries.push({ name: m[1]!, value, comment });
      comment = [];
    }
  }
  return entries;
}

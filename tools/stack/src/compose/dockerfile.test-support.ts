export interface DockerInstruction {
  readonly keyword: string;
  readonly args: string;
}

export interface DockerStage {
  /** The image after FROM (a tag, or an earlier stage's name). */
  readonly from: string;
  readonly name: string | null;
  readonly instructions: readonly DockerInstruction[];
}

/** Splits a Dockerfile into stages of instructions; continuation lines joined, comments dropped. */
export function parseDockerfile(text: string): DockerStage[] {
  const logical: string[] = [];
  let pending = '';
  for (const raw of text.split(/\r?\n/)) {
    if (/^\s*#/.test(raw) && pending === '') continue;
    if (/^\s*#/.test(raw)) continue; // a comment inside a continued instruction
    const continued = /\\\s*$/.test(raw);
    pending += continued ? raw.replace(/\\\s*$/, ' ') : raw;
    if (!continued) {
      if (pending.trim() !== '') logical.push(pending.trim());
      pending = '';
    }
  }
  const stages: { from: string; name: string | null; instructions: DockerInstruction[] }[] = [];
  for (const line of logical) {
    const m = /^(\S+)\s*(.*)$/.exec(line)!;
    const keyword = m[1]!.toUpperCase();
    const args = m[2]!.trim();
    if (keyword === 'FROM') {
      const from = /^(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?/i.exec(args)!;
      stages.push({ from: from[1]!, name: from[2] ?? null, instructions: [] });
    } else {
      const stage = stages.at(-1);
      if (stage === undefined) throw new Error(`${keyword} before the first FROM`);
      stage.instructions.push({ keyword, args });
    }
  }
  return stages;
}

/** The instructions of `keyword` in a stage (the last one wins for CMD, USER, HEALTHCHECK). */
export const instructionsOf = (stage: DockerStage, keyword: string): DockerInstruction[] => stage.instructions.filter((i) => i.keyword === keyword);

/** `ENV A=1 B=2` lines of a stage as one record (no quoted values with spaces in this project). */
export function envOf(stage: DockerStage): Record<string, string> {
  const env: Record<string, string> = {};
  for (const { args } of instructionsOf(stage, 'ENV')) {
    for (const pair of args.split(/\s+/)) {
      const eq = pair.indexOf('=');
      if (eq > 0) env[pair.slice(0, eq)] = pair.slice(eq + 1);
    }
  }
  return env;
}

/** The exec form `["node", "x.js"]` of CMD or `HEALTHCHECK ... CMD [...]` as an array, else null. */
export function execForm(args: string): string[] | null {
  const json = /(\[.*\])\s*$/.exec(args);
  if (json === null) return null;
  try {
    const parsed: unknown = JSON.parse(json[1]!);
    return Array.isArray(parsed) && parsed.every((a) => typeof a === 'string') ? parsed : null;
  } catch {
    return null;
  }
}

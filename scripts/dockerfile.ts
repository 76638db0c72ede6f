// Reads a Dockerfile into its stages and instructions: enough for the checks of test/deploy-files.test.ts
// and for scripts/dockerfile-dry-run.ts, which runs its steps without Docker. Not a full parser:
// line continuations, comments, JSON (exec) form and `KEY=value` ENV lists, which is what Faro's uses.

export interface Instruction {
  keyword: string;
  /** The arguments as written (continuations joined). */
  raw: string;
  /** Exec (JSON) form parsed, else the words split on blanks. */
  args: string[];
  /** `--from=build` and the like. */
  flags: Record<string, string>;
}

export interface Stage {
  name: string;
  from: string;
  instructions: Instruction[];
  /** ENV of the stage, in order. */
  env: Record<string, string>;
}

export function parseDockerfile(text: string): Stage[] {
  const logical: string[] = [];
  let pending = '';
  for (const line of text.split('\n')) {
    if (!pending && /^\s*(#|$)/.test(line)) continue;
    if (pending && /^\s*#/.test(line)) continue;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1)} `;
      continue;
    }
    logical.push((pending + line).trim());
    pending = '';
  }
  const stages: Stage[] = [];
  for (const line of logical) {
    const [, keyword = '', rest = ''] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    const upper = keyword.toUpperCase();
    let raw = rest.trim();
    const flags: Record<string, string> = {};
    for (let flag = /^--([a-z-]+)=(\S+)\s+/.exec(raw); flag; flag = /^--([a-z-]+)=(\S+)\s+/.exec(raw)) {
      flags[flag[1] as string] = flag[2] as string;
      raw = raw.slice(flag[0].length);
    }
    const args = raw.startsWith('[') ? (JSON.parse(raw) as string[]) : raw.split(/\s+/).filter(Boolean);
    if (upper === 'FROM') {
      const [image = '', as, name] = args;
      stages.push({
        name: as?.toUpperCase() === 'AS' && name ? name : String(stages.length),
        from: image,
        instructions: [],
        env: {},
      });
      continue;
    }
    const stage = stages.at(-1);
    if (!stage) throw new Error(`${upper} before FROM`);
    if (upper === 'ENV') {
      for (const pair of raw.match(/[A-Za-z_][A-Za-z0-9_]*=("[^"]*"|\S*)/g) ?? []) {
        const at = pair.indexOf('=');
        stage.env[pair.slice(0, at)] = pair.slice(at + 1).replace(/^"(.*)"$/, '$1');
      }
    }
    if (upper === 'HEALTHCHECK') {
      // Options first, then CMD and its command.
      const cmd = raw.indexOf('CMD');
      const command = raw.slice(cmd + 3).trim();
      stage.instructions.push({
        keyword: upper,
        raw,
        args: command.startsWith('[') ? (JSON.parse(command) as string[]) : ['sh', '-c', command],
        flags: Object.fromEntries(
          [...raw.slice(0, cmd).matchAll(/--([a-z-]+)=(\S+)/g)].map((m) => [m[1] as string, m[2] as string]),
        ),
      });
      continue;
    }
    stage.instructions.push({ keyword: upper, raw, args, flags });
  }
  return stages;
}

/** The last instruction of a kind in a stage (what Docker keeps for ENTRYPOINT, CMD, USER, WORKDIR…). */
export function last(stage: Stage, keyword: string): Instruction | undefined {
  return stage.instructions.filter((instruction) => instruction.keyword === keyword).at(-1);
}

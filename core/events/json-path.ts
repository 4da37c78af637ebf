/**
 * The JSONPath subset input mappings use: `$`, then `.name`, `["name"]` and `[index]` steps
 * (`$.detail.hosts[0].name`). No wildcards, filters or slices: one path names at most one value.
 */
export type PathStep = string | number;

const NAME = /^[A-Za-z_$][A-Za-z0-9_$-]*/;

/** Parses a path into its steps, or returns an error message saying what is wrong with it. */
export const parseJsonPath = (path: string): PathStep[] | { error: string } => {
  if (!path.startsWith('$')) return { error: `A path starts with "$", not ${JSON.stringify(path.slice(0, 1))}.` };
  const steps: PathStep[] = [];
  let i = 1;
  while (i < path.length) {
    const rest = path.slice(i);
    if (rest.startsWith('.')) {
      const name = NAME.exec(rest.slice(1));
      if (!name) return { error: `Expected a member name after "." at position ${i}.` };
      steps.push(name[0]);
      i += 1 + name[0].length;
    } else if (rest.startsWith('[')) {
      const index = /^\[(\d+)\]/.exec(rest);
      const quoted = /^\[("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')\]/.exec(rest);
      if (index?.[1] !== undefined) {
        steps.push(Number(index[1]));
        i += index[0].length;
      } else if (quoted?.[1] !== undefined) {
        const raw = quoted[1];
        const inner = raw.slice(1, -1);
        steps.push(raw.startsWith('"') ? (JSON.parse(raw) as string) : inner.replace(/\\(.)/g, '$1'));
        i += quoted[0].length;
      } else {
        return { error: `Expected [<index>] or ["<name>"] at position ${i}.` };
      }
    } else {
      return { error: `Unexpected ${JSON.stringify(rest.slice(0, 1))} at position ${i}.` };
    }
  }
  return steps;
};

/** The value at `path` in `value`, or undefined when any step is missing. Throws on an invalid path. */
export const evaluateJsonPath = (value: unknown, path: string): unknown => {
  const steps = parseJsonPath(path);
  if (!Array.isArray(steps)) throw new Error(`Invalid path ${JSON.stringify(path)}: ${steps.error}`);
  let current: unknown = value;
  for (const step of steps) {
    if (typeof step === 'number') {
      if (!Array.isArray(current) || step >= current.length) return undefined;
      current = current[step] as unknown;
    } else {
      if (typeof current !== 'object' || current === null || Array.isArray(current) || !Object.hasOwn(current, step)) return undefined;
      current = (current as Record<string, unknown>)[step];
    }
  }
  return current;
};

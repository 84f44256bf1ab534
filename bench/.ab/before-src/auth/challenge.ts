/** One challenge of a WWW-Authenticate field: the scheme (lower-case) and its parameters (lower-case names). */
export interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+/;

/**
 * Parses WWW-Authenticate values into challenges (RFC 9110 §11.6.1). One field may hold several
 * challenges separated by commas, and a server may send several fields; both are handled.
 */
export function parseChallenges(values: readonly string[]): Challenge[] {
  const out: Challenge[] = [];
  for (const value of values) parseOne(value, out);
  return out;
}

function parseOne(input: string, out: Challenge[]): void {
  let i = 0;
  let current: Challenge | undefined;
  const skip = (): void => {
    while (i < input.length && /[\s,]/.test(input[i]!)) i++;
  };
  // Bounded by the input length: every iteration consumes at least one character or stops.
  while (i < input.length) {
    skip();
    const name = TOKEN.exec(input.slice(i))?.[0];
    if (!name) break;
    const start = i;
    i += name.length;
    while (input[i] === ' ' || input[i] === '\t') i++;
    if (input[i] === '=' && current) {
      i++;
      while (input[i] === ' ' || input[i] === '\t') i++;
      const [value, next] = readValue(input, i);
      current.params[name.toLowerCase()] = value;
      i = next;
      continue;
    }
    if (input[i] === '=' && !current) {
      i = start + name.length + 1; // a parameter without a scheme: ignore it
      continue;
    }
    current = { scheme: name.toLowerCase(), params: {} };
    out.push(current);
    while (input[i] === ' ' || input[i] === '\t') i++;
    const token68 = /^[A-Za-z0-9\-._~+/]+=*(?=\s*(,|$))/.exec(input.slice(i));
    if (token68 && !/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+\s*=[^=]/.test(input.slice(i))) {
      current.params[''] = token68[0];
      i += token68[0].length;
    }
  }
}

function readValue(input: string, i: number): [string, number] {
  if (input[i] !== '"') {
    const m = /^[^\s,]*/.exec(input.slice(i))![0];
    return [m, i + m.length];
  }
  let value = '';
  i++;
  while (i < input.length && input[i] !== '"') {
    if (input[i] === '\\' && i + 1 < input.length) i++;
    value += input[i];
    i++;
  }
  return [value, i + 1];
}

import { htmlParser } from '../html.js';

/** A login form as a browser would see it. */
export interface LoginForm {
  /** The form's `action` attribute as written (empty: the page's own URL). */
  action: string;
  method: string;
  /** Name of the text/email input before the password input. */
  usernameField: string | undefined;
  passwordField: string;
  /** Every hidden input (CSRF token, `lt`, `execution`…), in document order. */
  hidden: [string, string][];
  /** The checkbox whose name says "remember" (Spring's `remember-me`), with the value a browser sends when ticked. */
  rememberMe?: [string, string];
}

interface Input {
  type: string;
  name: string;
  value: string;
}

const USERNAME_TYPES = new Set(['text', 'email', 'tel', '']);

/**
 * Finds the first form with a password input, parsing the page with a real HTML parser (htmlparser2),
 * so that attribute order, quoting and entities do not matter.
 */
export async function findLoginForm(html: string): Promise<LoginForm | undefined> {
  const { Parser } = await htmlParser();
  let found: LoginForm | undefined;
  let form: { action: string; method: string; inputs: Input[] } | undefined;
  const parser = new Parser({
    onopentag(tag, attrs) {
      if (found) return;
      if (tag === 'form') form = { action: attrs.action ?? '', method: (attrs.method ?? 'post').toUpperCase(), inputs: [] };
      else if (tag === 'input' && form && attrs.name) {
        form.inputs.push({ type: (attrs.type ?? '').toLowerCase(), name: attrs.name, value: attrs.value ?? '' });
      }
    },
    onclosetag(tag) {
      if (tag !== 'form' || !form || found) return;
      found = toLoginForm(form);
      form = undefined;
    },
  }, { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true });
  parser.end(html);
  // A form left open at the end of the page still counts, as browsers see it.
  if (!found && form) found = toLoginForm(form);
  return found;
}

function toLoginForm(form: { action: string; method: string; inputs: Input[] }): LoginForm | undefined {
  const p = form.inputs.findIndex((i) => i.type === 'password');
  if (p < 0) return undefined;
  const before = form.inputs.slice(0, p).filter((i) => USERNAME_TYPES.has(i.type));
  // A checkbox without a value attribute is sent as "on" (HTML's default value).
  const remember = form.inputs.find((i) => i.type === 'checkbox' && /remember/i.test(i.name));
  return {
    action: form.action,
    method: form.method === 'GET' ? 'GET' : 'POST',
    usernameField: before.at(-1)?.name,
    passwordField: form.inputs[p]!.name,
    hidden: form.inputs.filter((i) => i.type === 'hidden').map((i) => [i.name, i.value]),
    ...(remember && { rememberMe: [remember.name, remember.value || 'on'] }),
  };
}

const MESSAGE_CLASS = /(^|\s)(alert|error|errors|errorlist|errornote|flash|invalid-feedback|message)(\s|$|-)/i;
const MAX_REASON = 200;
// Spring Security 4.x's DefaultLoginPageGeneratingFilter: <p><font color='red'>Your login attempt was
// not successful, try again.<br/><br/>Reason: Bad credentials</font></p>.
const SPRING4_REASON = /^Your login attempt was not successful, try again\.\s*Reason:\s*/i;

function isMessage(tag: string, attrs: Record<string, string>): boolean {
  return attrs.role === 'alert' || MESSAGE_CLASS.test(attrs.class ?? '') || (tag === 'font' && /^(red|#f00|#ff0000)$/i.test(attrs.color ?? ''));
}

/**
 * The error message a login page shows (role="alert", class "error", "alert", Spring 4's red font…),
 * to explain a refusal.
 */
export async function findPageMessage(html: string): Promise<string | undefined> {
  const { Parser } = await htmlParser();
  let depth = 0;
  let text = '';
  let done = false;
  const parser = new Parser({
    onopentag(tag, attrs) {
      if (done) return;
      if (depth > 0) depth++;
      else if (isMessage(tag, attrs)) depth = 1;
    },
    ontext(t) {
      if (depth > 0 && !done) text += t;
    },
    onclosetag() {
      if (depth === 0 || done) return;
      depth--;
      if (depth === 0 && text.trim()) done = true;
    },
  }, { decodeEntities: true });
  parser.end(html);
  const message = text.replace(/\s+/g, ' ').trim().replace(SPRING4_REASON, '');
  return message ? message.slice(0, MAX_REASON) : undefined;
}

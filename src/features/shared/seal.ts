// Encryption of the shared state at rest. The store holds cookies and tokens, so with a key every
// field name is an HMAC (no cookie names or domains in the clear) and every value is AES-256-GCM
// sealed with its field name as associated data (a value moved to another field fails to open).
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { SessioError } from '../../core/errors.js';

const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Turns the state's logical fields (`c:<cookie>`, `t`…) into stored ones and back. */
export interface Sealer {
  field(id: string): string;
  seal(field: string, id: string, value: string): string;
  /** The logical id and value of a stored field; undefined when it cannot be opened (another key, tampering). */
  open(field: string, stored: string): { id: string; value: string } | undefined;
}

/** Stores fields as they are: for a Redis only trusted processes can reach. */
export const PLAIN: Sealer = {
  field: (id) => `e:${id}`,
  seal: (_field, _id, value) => value,
  open: (field, stored) => (field.startsWith('e:') ? { id: field.slice(2), value: stored } : undefined),
};

/** A 32-byte key from a Buffer, 64 hex digits or base64 text. */
export function parseKey(key: string | Buffer | undefined): Buffer | undefined {
  if (key === undefined || key === '') return undefined;
  const bytes = typeof key !== 'string' ? key : /^[0-9a-f]{64}$/i.test(key) ? Buffer.from(key, 'hex') : Buffer.from(key, 'base64');
  if (bytes.length !== 32) throw new SessioError(`The shared-state key must be 32 bytes (64 hex digits or base64), not ${bytes.length} bytes`, { code: 'ERR_INVALID_OPTION' });
  return bytes;
}

/** Seals with `key`: one subkey names fields, another encrypts values. */
export function aesSealer(key: Buffer): Sealer {
  const names = Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), 'sessio shared field names', 32));
  const values = Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), 'sessio shared field values', 32));
  return {
    field: (id) => `e:${createHmac('sha256', names).update(id).digest('base64url').slice(0, 22)}`,
    seal(field, id, value) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', values, iv);
      cipher.setAAD(Buffer.from(field));
      const body = Buffer.concat([cipher.update(JSON.stringify([id, value]), 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
    },
    open(field, stored) {
      if (!field.startsWith('e:')) return undefined;
      try {
        const raw = Buffer.from(stored, 'base64');
        const decipher = createDecipheriv('aes-256-gcm', values, raw.subarray(0, IV_BYTES));
        decipher.setAAD(Buffer.from(field));
        decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
        const text = Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
        const [id, value] = JSON.parse(text) as [string, string];
        return typeof id === 'string' && typeof value === 'string' ? { id, value } : undefined;
      } catch {
        return undefined;
      }
    },
  };
}

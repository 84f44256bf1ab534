export { digestAuth, type DigestOptions } from './digest.js';
export { bearerAuth, type TokenSource } from './bearer.js';
export { customAuth, type RequestSigner } from './sign.js';
export { decodeJwtPayload, jwtExpiry } from './jwt.js';

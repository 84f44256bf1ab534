export { digestAuth } from './digest.js';
export { bearerAuth } from './bearer.js';
export { customAuth } from './sign.js';
export { decodeJwtPayload, jwtExpiry } from './jwt.js';

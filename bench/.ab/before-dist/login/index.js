export { formLogin, formLoginSucceeded } from './form.js';
export { jwtLogin } from './jwt.js';
export { clientCredentials, passwordGrant, refreshTokenGrant } from './oauth2.js';
export { tokenLogin } from './token.js';

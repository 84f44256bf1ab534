export { formLogin, formLoginSucceeded, type FormLoginOptions } from './form.js';
export { jwtLogin, type JwtLoginOptions } from './jwt.js';
export { clientCredentials, passwordGrant, refreshTokenGrant, type OAuth2ClientOptions, type PasswordGrantOptions, type RefreshTokenGrantOptions } from './oauth2.js';
export { tokenLogin, type TokenSet, type TokenGrant } from './token.js';
export type { LoginStrategy, LoginContext, LoginCredentials, ReloginOptions } from './types.js';

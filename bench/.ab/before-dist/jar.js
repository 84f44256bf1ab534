export { CookieJar } from './cookies/index.js';

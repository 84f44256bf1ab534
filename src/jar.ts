export { CookieJar } from './simple-jar.js';

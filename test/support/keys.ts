/** The server key of every test database and test server (the template's TOTP secrets are sealed with it). */
export const TEST_SECRET_KEY = Buffer.alloc(32, 7).toString('base64');

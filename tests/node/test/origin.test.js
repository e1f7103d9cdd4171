'use strict';
// Cross-site socket hijacking, in headless Chromium: with the user's cookie for the server in
// the browser, a page on another site must not be able to open a socket (which would carry
// that cookie into every request), while a page of the server's own origin can.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { startServer, launchChromium } = require('./helpers');

const IO_CLIENT = path.join(__dirname, '..', 'node_modules', 'socket.io-client', 'dist', 'socket.io.min.js');
const WAIT = { timeout: 15000 };

let browser;
test.before(async () => {
  browser = await launchChromium();
});
test.after(async () => {
  if (browser) await browser.close();
});

/**
 * Opens `pageUrl` (fulfilled here, so it can be any origin) in a context holding the victim's
 * cookie for `server`, and tries a socket to the server from it: resolves to
 * `{ connected: false, error }` or `{ connected: true, cookie }` (what `/cookie` saw).
 */
async function trySocket(server, pageUrl) {
  const context = await browser.newContext();
  await context.addCookies([{ name: 'sid', value: 'victim', url: server.url }]);
  const page = await context.newPage();
  await page.route(pageUrl, (route) => route.fulfill({
    contentType: 'text/html',
    body: '<!doctype html><title>page</title><script src="/io.js"></script>',
  }));
  await page.route(new URL('/io.js', pageUrl).href, (route) => route.fulfill({
    contentType: 'application/javascript',
    body: fs.readFileSync(IO_CLIENT, 'utf8'),
  }));
  await page.goto(pageUrl);
  const result = await page.evaluate((url) => new Promise((resolve) => {
    const socket = io(url, { transports: ['websocket'], reconnection: false, withCredentials: true });
    socket.on('connect_error', (e) => resolve({ connected: false, error: String(e && e.message) }));
    socket.on('connect', async () => {
      const jwr = await socket.timeout(10000).emitWithAck('get', { method: 'get', url: '/cookie', data: {}, headers: {} });
      socket.disconnect();
      resolve({ connected: true, cookie: jwr.body.cookie });
    });
  }), server.url);
  await context.close();
  return result;
}

test('by default a page on another site cannot open a socket; a same-origin page can, with the cookie', { timeout: 90000 }, async () => {
  const server = await startServer('conformance');
  try {
    const foreign = await trySocket(server, 'http://evil.example/attack');
    assert.equal(foreign.connected, false, 'a foreign page must not connect');
    const sameHostOtherName = await trySocket(server, `http://localhost:${server.port}/attack`);
    assert.equal(sameHostOtherName.connected, false, 'localhost is another origin than 127.0.0.1');
    // Same site (cookies ignore ports), so the browser would send the cookie: the origin
    // policy is all that stands between this page and the user's session.
    const otherPort = await trySocket(server, `http://127.0.0.1:${server.port + 1}/attack`);
    assert.equal(otherPort.connected, false, 'another port is another origin');
    const own = await trySocket(server, `${server.url}/page`);
    assert.deepEqual(own, { connected: true, cookie: 'sid=victim' });
  } finally {
    await server.stop();
  }
});

test('an allow-listed origin connects from Chromium; others stay refused', { timeout: 90000 }, async () => {
  const server = await startServer('conformance', ['--allow-origin', 'http://app.example']);
  try {
    const allowed = await trySocket(server, 'http://app.example/page');
    assert.equal(allowed.connected, true);
    const foreign = await trySocket(server, 'http://evil.example/attack');
    assert.equal(foreign.connected, false);
  } finally {
    await server.stop();
  }
});

test('what the default prevents: with allow_any_origin a page on another origin of the same site connects, carrying the cookie', { timeout: 90000 }, async () => {
  const server = await startServer('conformance', ['--allow-any-origin']);
  try {
    const foreign = await trySocket(server, `http://127.0.0.1:${server.port + 1}/attack`);
    assert.deepEqual(foreign, { connected: true, cookie: 'sid=victim' });
  } finally {
    await server.stop();
  }
});

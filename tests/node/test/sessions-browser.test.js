'use strict';
// Sessions in headless Chromium with the real dist/sails.io.js: the browser's own cookie jar
// carries the session between fetch() and the socket, both ways; a page on another origin gets
// the cookie through sails.io.js' `/__getcookie` bootstrap before its socket connects.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { startServer, freePort, launchChromium } = require('./helpers');

const SAILS_DIST = path.join(__dirname, '..', 'node_modules', 'sails.io.js', 'dist', 'sails.io.js');
const WAIT = { timeout: 15000 };

let browser;
let server;
test.before(async () => {
  server = await startServer('conformance', ['--sessions']);
  browser = await launchChromium();
});
test.after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

/** A page at `pageUrl` (fulfilled here) with sails.io.js loaded and auto-connect off. */
async function sailsPage(context, pageUrl, socketUrl) {
  const page = await context.newPage();
  page.consoleErrors = [];
  page.on('console', (m) => { if (m.type() === 'error') page.consoleErrors.push(m.text()); });
  await page.route(pageUrl, (route) => route.fulfill({
    contentType: 'text/html',
    body: '<!doctype html><title>sessions</title><link rel="icon" href="data:,">' +
      // Configured on the script tag, which sails.io.js reads before its auto-connect timer
      // (an inline script after it may run too late).
      `<script src="/vendor/sails.io.js" autoConnect="false" environment="production" url="${socketUrl}"></script>`,
  }));
  await page.route(new URL('/vendor/sails.io.js', pageUrl).href, (route) => route.fulfill({
    contentType: 'application/javascript',
    body: fs.readFileSync(SAILS_DIST, 'utf8'),
  }));
  await page.goto(pageUrl);
  return page;
}

/** Connects `io.socket` on the page and waits until it is connected. */
function connect(page) {
  return page.evaluate(() => new Promise((resolve, reject) => {
    io.socket = io.sails.connect(io.sails.url);
    io.socket.on('connect', () => resolve());
    io.socket.on('connect_error', (e) => reject(new Error(String(e))));
  }));
}

function socketRequest(page, method, url, data) {
  return page.evaluate(([m, u, d]) => new Promise((resolve) => {
    io.socket.request({ method: m, url: u, data: d }, (body, jwr) => resolve({ status: jwr.statusCode, body, headers: jwr.headers }));
  }), [method, url, data]);
}

function fetchJson(page, method, url, data) {
  return page.evaluate(async ([m, u, d]) => {
    const init = { method: m, credentials: 'include' };
    if (d !== undefined) { init.body = JSON.stringify(d); init.headers = { 'content-type': 'application/json' }; }
    const res = await fetch(u, init);
    return { status: res.status, body: await res.json() };
  }, [method, url, data]);
}

test('login over HTTP, then the socket sees the user; login over the socket, then HTTP sees it', { timeout: 60000 }, async () => {
  const context = await browser.newContext();
  const page = await sailsPage(context, `${server.url}/page`, server.url);
  const login = await fetchJson(page, 'PUT', '/session', { user: 'ann' });
  assert.deepEqual(login, { status: 200, body: { user: 'ann' } });
  await connect(page);
  const seen = await socketRequest(page, 'get', '/session');
  assert.equal(seen.status, 200);
  assert.deepEqual(seen.body, { user: 'ann' });

  const relogin = await socketRequest(page, 'put', '/session', { user: 'bob' });
  assert.equal(relogin.status, 200);
  assert.ok(!Object.keys(relogin.headers).some((h) => h.toLowerCase() === 'set-cookie'));
  assert.deepEqual(await fetchJson(page, 'GET', '/session'), { status: 200, body: { user: 'bob' } });
  // The session cookie stays out of reach of the page's scripts.
  assert.equal(await page.evaluate(() => document.cookie), '');
  assert.deepEqual(page.consoleErrors, []);
  await context.close();
});

test('a page on another origin gets the session cookie from /__getcookie before its socket connects', { timeout: 60000 }, async () => {
  // Another origin of the same site (another port on 127.0.0.1), allowed by this server.
  const otherOrigin = `http://127.0.0.1:${await freePort()}`;
  const server = await startServer('conformance', ['--sessions', '--allow-origin', otherOrigin]);
  test.after(() => server.stop());
  const context = await browser.newContext();
  const page = await sailsPage(context, `${otherOrigin}/page`, server.url);
  await connect(page);
  const login = await socketRequest(page, 'put', '/session', { user: 'carol' });
  assert.equal(login.status, 200);
  assert.deepEqual(page.consoleErrors, []);
  // The same browser, on the server's own origin: its cookie names the session the socket
  // wrote to.
  const own = await sailsPage(context, `${server.url}/page`, server.url);
  assert.deepEqual(await fetchJson(own, 'GET', '/session'), { status: 200, body: { user: 'carol' } });
  await context.close();
});

test('two browsers never share a session', { timeout: 60000 }, async () => {
  const first = await browser.newContext();
  const second = await browser.newContext();
  const a = await sailsPage(first, `${server.url}/page`, server.url);
  const b = await sailsPage(second, `${server.url}/page`, server.url);
  await connect(a);
  await connect(b);
  assert.equal((await socketRequest(a, 'put', '/session', { user: 'dan' })).status, 200);
  assert.deepEqual((await socketRequest(b, 'get', '/session')).body, { user: null });
  assert.deepEqual((await socketRequest(a, 'get', '/session')).body, { user: 'dan' });
  await first.close();
  await second.close();
});

'use strict';
// The chat example in headless Chromium (Debian's, driven by playwright-core): pages use the
// browser client the server serves (/sailroute.js + the generated typed API), and a page
// uses the real dist/sails.io.js from npm.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { startServer, launchChromium } = require('./helpers');

const SAILS_DIST = path.join(__dirname, '..', 'node_modules', 'sails.io.js', 'dist', 'sails.io.js');
const WAIT = { timeout: 15000 };

let server;
let browser;
test.before(async () => {
  server = await startServer('chat', ['--db', 'sqlite::memory:']);
  browser = await launchChromium();
});
test.after(async () => {
  if (browser) await browser.close();
  await server.stop();
});

/** Opens the chat page in its own context and joins `room` as `name`. */
async function joinAs(name, room) {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on('pageerror', (e) => { throw e; });
  page.consoleErrors = [];
  page.on('console', (message) => { if (message.type() === 'error') page.consoleErrors.push(message.text()); });
  await page.goto(`${server.url}/#${room}`);
  await page.waitForFunction(() => document.getElementById('status').textContent === 'connected', null, WAIT);
  await page.fill('#name', name);
  await page.click('#join-button');
  await page.waitForSelector('#chat:not([hidden])', WAIT);
  await page.waitForFunction((r) => document.getElementById('room-title').textContent === `#${r}`, room, WAIT);
  return page;
}

async function say(page, text) {
  await page.fill('#text', text);
  await page.press('#text', 'Enter');
  await page.waitForFunction((t) => [...document.querySelectorAll('#messages .message .text')].some((n) => n.textContent === t), text, WAIT);
}

function texts(page) {
  return page.$$eval('#messages .message .text', (nodes) => nodes.map((n) => n.textContent));
}

function online(page) {
  return page.$$eval('#online li', (nodes) => nodes.map((n) => n.textContent));
}

test('two pages in a room chat; a page in another room sees nothing; presence follows', { timeout: 90000 }, async () => {
  const ann = await joinAs('ann', 'lobby');
  const bob = await joinAs('bob', 'lobby');
  const carol = await joinAs('carol', 'garden');
  await ann.waitForFunction(() => document.querySelectorAll('#online li').length === 2, null, WAIT);
  assert.deepEqual(await online(ann), ['ann', 'bob']);

  await say(ann, 'hello from ann');
  await bob.waitForFunction(() => [...document.querySelectorAll('#messages .text')].some((n) => n.textContent === 'hello from ann'), null, WAIT);
  // carol's socket would have had the push queued before ann's answer; one round trip on
  // carol's socket after it proves nothing came.
  await carol.evaluate(() => io.socket.listRooms());
  assert.deepEqual(await texts(carol), []);
  await say(carol, 'quiet here');
  assert.ok(!(await texts(ann)).includes('quiet here'));

  // The page loads without a console error (no favicon 404, no failed request).
  for (const page of [ann, bob, carol]) assert.deepEqual(page.consoleErrors, []);
  await ann.screenshot({ path: path.join(require('node:os').tmpdir(), 'sailroute-chat.png') });
  for (const page of [ann, bob, carol]) await page.context().close();
});

test('a page that loses its connection comes back and still receives messages, without reloading', { timeout: 90000 }, async () => {
  const ann = await joinAs('ann2', 'reconnect');
  const bob = await joinAs('bob2', 'reconnect');
  await ann.waitForFunction(() => document.querySelectorAll('#online li').length === 2, null, WAIT);
  await bob.evaluate(() => { window.loadedAt = performance.timeOrigin; });

  // Drop bob's transport as a network failure would; socket.io-client reconnects.
  const firstId = await bob.evaluate(() => io.socket._raw.id);
  await bob.evaluate(() => io.socket._raw.io.engine.close());
  await bob.waitForFunction((id) => io.socket.isConnected() && io.socket._raw.id !== id, firstId, WAIT);
  await bob.waitForFunction(() => document.getElementById('status').textContent === 'connected', null, WAIT);
  // The generated client re-issued joinRoom (a subscribing route) on the new socket.
  await bob.waitForFunction(async () => (await io.socket.me()).rooms.includes('room:reconnect'), null, WAIT);

  await say(ann, 'after the drop');
  await bob.waitForFunction(() => [...document.querySelectorAll('#messages .text')].some((n) => n.textContent === 'after the drop'), null, WAIT);
  assert.equal(await bob.evaluate(() => window.loadedAt), await bob.evaluate(() => performance.timeOrigin), 'no reload');
  for (const page of [ann, bob]) await page.context().close();
});

test('the real dist/sails.io.js in a page served by the runtime makes requests and receives events', { timeout: 90000 }, async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.route(`${server.url}/sails-page`, (route) => route.fulfill({
    contentType: 'text/html',
    body: '<!doctype html><title>sails.io.js</title><script src="/vendor/sails.io.js"></script>' +
      '<script>io.sails.environment = "production"; window.events = []; io.socket.on("chat:message", function (m) { window.events.push(m); });</script>',
  }));
  await page.route(`${server.url}/vendor/sails.io.js`, (route) => route.fulfill({
    contentType: 'application/javascript',
    body: fs.readFileSync(SAILS_DIST, 'utf8'),
  }));
  await page.goto(`${server.url}/sails-page`);
  const rooms = await page.evaluate(() => new Promise((resolve) => io.socket.get('/rooms', (body, jwr) => resolve(jwr.statusCode))));
  assert.equal(rooms, 200);
  const joined = await page.evaluate(() => new Promise((resolve) => io.socket.put('/rooms/sails/join', { user: 'sails-page' }, (body, jwr) => resolve([jwr.statusCode, body]))));
  assert.equal(joined[0], 200);
  assert.deepEqual(joined[1].users, ['sails-page']);

  const ann = await joinAs('ann3', 'sails');
  await say(ann, 'to the sails.io.js page');
  await page.waitForFunction(() => window.events.length === 1, null, WAIT);
  const event = await page.evaluate(() => window.events[0]);
  assert.equal(event.message.text, 'to the sails.io.js page');
  assert.equal(event.message.user, 'ann3');
  await ann.context().close();
  await context.close();
});

test('the served browser client has the sails.io.js API: queued requests, headers, io.sails.connect, on/off', { timeout: 90000 }, async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.route(`${server.url}/api-page`, (route) => route.fulfill({
    contentType: 'text/html',
    body: '<!doctype html><title>api</title><script src="/socket.io/socket.io.js"></script><script src="/sailroute.js"></script>' +
      '<script>' +
      // Synchronously after loading: not connected yet, so the request is queued.
      'window.early = { connectedAtCall: io.socket.isConnected(), about: io.socket.mightBeAboutToAutoConnect() };' +
      'io.sails.headers = { "x-from": "headers" };' +
      'io.socket.get("/rooms", function (body, jwr) { window.early.status = jwr.statusCode; window.early.body = body; });' +
      '</script>',
  }));
  await page.goto(`${server.url}/api-page`);
  await page.waitForFunction(() => window.early && window.early.status !== undefined, null, WAIT);
  const early = await page.evaluate(() => window.early);
  assert.equal(early.connectedAtCall, false);
  assert.equal(early.about, true);
  assert.equal(early.status, 200);
  assert.ok(Array.isArray(early.body));

  const result = await page.evaluate(() => new Promise((resolve) => {
    const second = io.sails.connect();
    const seen = [];
    let heardOne;
    const one = new Promise((r) => { heardOne = r; });
    const listener = (p) => { seen.push(p); heardOne(); };
    second.on('chat:message', listener);
    second.put('/rooms/api/join', { user: 'second' }, (joined, jwr) => {
      io.socket.put('/rooms/api/join', { user: 'first' }, () => {
        io.socket.post('/rooms/api/messages', { text: 'one' }, () => one.then(() => {
          second.off('chat:message', listener);
          // 'two' is pushed to the second socket before the first one's answer, and the
          // second socket's /me after that answer: a push would have come first.
          io.socket.post('/rooms/api/messages', { text: 'two' }, () => {
            second.request({ method: 'get', url: '/me', headers: {} }, (me) => {
              resolve({ status: jwr.statusCode, seen: seen.map((p) => p.message.text), differentIds: me.id !== io.socket._raw.id, connected: second.isConnected() });
            });
          });
        }));
      });
    });
  }));
  assert.equal(result.status, 200);
  assert.deepEqual(result.seen, ['one'], 'on() hears, off() stops');
  assert.ok(result.differentIds, 'io.sails.connect() opens another socket');
  assert.ok(result.connected);
  await context.close();
});

test('settings made in a later <script> are honoured: autoConnect = false leaves io.socket unconnected', { timeout: 90000 }, async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  // Many scripts between the shim and the page's settings give the browser chances to run a
  // timer in between; the shim must still see the setting.
  const filler = Array.from({ length: 50 }, (_, i) => `<script>window.filler${i} = ${i};</script>`).join('');
  await page.route(`${server.url}/manual-page`, (route) => route.fulfill({
    contentType: 'text/html',
    body: '<!doctype html><title>manual</title><script src="/socket.io/socket.io.js"></script><script src="/sailroute.js"></script>' +
      filler + '<script>io.sails.autoConnect = false;</script>',
  }));
  await page.goto(`${server.url}/manual-page`);
  await page.waitForFunction(() => document.readyState === 'complete', null, WAIT);
  // A round trip on a socket of our own: had io.socket connected, it would be by now.
  const status = await page.evaluate(() => new Promise((resolve) => {
    const own = io.sails.connect();
    own.get('/rooms', (body, jwr) => resolve(jwr.statusCode));
  }));
  assert.equal(status, 200);
  assert.equal(await page.evaluate(() => typeof io.socket), 'undefined', 'io.socket is removed when autoConnect is off');
  await context.close();
});

test('the name is kept in the session: set over the socket or over HTTP, remembered after a reload', { timeout: 90000 }, async () => {
  const ada = await joinAs('ada', 'sessions');
  await ada.reload();
  await ada.waitForFunction(() => document.getElementById('name').value === 'ada', null, WAIT);
  assert.deepEqual(ada.consoleErrors, []);

  // Over HTTP (the page's fetch carries the session cookie the page load set), then a reload.
  const set = await ada.evaluate(async () => {
    const res = await fetch('/profile', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user: 'ada lovelace' }) });
    return [res.status, await res.json()];
  });
  assert.deepEqual(set, [200, { user: 'ada lovelace' }]);
  await ada.reload();
  await ada.waitForFunction(() => document.getElementById('name').value === 'ada lovelace', null, WAIT);

  // Another browser has a session of its own.
  const other = await browser.newContext();
  const page = await other.newPage();
  await page.goto(`${server.url}/`);
  await page.waitForFunction(() => document.getElementById('status').textContent === 'connected', null, WAIT);
  assert.deepEqual(await page.evaluate(() => io.socket.profile()), { user: null });
  assert.equal(await page.inputValue('#name'), '');
  await other.close();
  await ada.context().close();
});
